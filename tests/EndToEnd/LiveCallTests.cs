using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Calls belong to the cluster (issue #15), with real processes: the node that owns the legs answers CUCM without the
/// call grain (whose silo may be frozen), the grain catches up; every node lists every node's calls within the caller's
/// rights; an operator pauses and resumes a recording through another node's API, which leaves silence exactly over
/// the pause and marks it in the manifest.
/// </summary>
public sealed class LiveCallTests
{
    private static readonly (string, string)[] FastReports =
    [
        // The frozen silo must not be declared dead while the test holds it (membership would then shut it down).
        ("Orleans__Membership__ProbeTimeout", "00:00:30"),
        ("Recorder__Calls__ReportInterval", "00:00:01"),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallsAreAnsweredWithin100MsWhileTheSiloOfTheirCallGrainsIsFrozenAndTheGrainsCatchUpAfter()
    {
        var cluster = SharedClusterSettings.Create();
        await using var a = await RecorderNode.StartAsync(cluster.With("primary", FastReports));
        await using var b = await RecorderNode.StartAsync(cluster.With("backup", FastReports));
        await WaitForActiveNodesAsync(b, 2);

        // A call on B: its grain lives on A (the peer of the recording node), which serves the call from it.
        var (warm, warmIds) = await StartCallsAsync(b, [NewRefci()], durationMs: 4000);
        await WaitForGrainAsync(a, warmIds.Single(), b.Name, TimeSpan.FromSeconds(15));
        await warm;

        a.Freeze();
        Task run;
        IReadOnlyList<string> ids;
        SippRun[] legs;
        try
        {
            var refcis = new[] { NewRefci(), NewRefci(), NewRefci() };
            var near = Leg(b, refcis, "nearend", CallPlacer.NearTone, 8000);
            var far = Leg(b, refcis, "farend", CallPlacer.FarTone, 8000);
            legs = [near, far];
            run = Task.WhenAll(near.RunAsync(), far.RunAsync());
            ids = await WaitForLocalCallsAsync(b, 3 + 0);
            await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        }
        finally
        {
            a.Thaw();
        }

        // Caught up: A serves each call from its grain (A records nothing itself), with both legs, recorded by B.
        foreach (var id in ids)
        {
            await WaitForGrainAsync(a, id, b.Name, TimeSpan.FromSeconds(15));
        }

        await run;
        Assert.All(legs, l => Assert.True(l.ExitCode == 0, $"sipp exit {l.ExitCode}:\n{l.Logs}\n--- B:\n{b.Output}"));
        var times = legs.SelectMany(l => l.ResponseTimesMs).ToList();

        // The same batch with every silo running: what this (shared, possibly loaded) machine costs by itself.
        var controlRefcis = new[] { NewRefci(), NewRefci(), NewRefci() };
        SippRun[] control = [Leg(b, controlRefcis, "nearend", CallPlacer.NearTone, 2000), Leg(b, controlRefcis, "farend", CallPlacer.FarTone, 2000)];
        await Task.WhenAll(control.Select(c => c.RunAsync()));
        var controlTimes = control.SelectMany(l => l.ResponseTimesMs).ToList();
        static string Show(IEnumerable<double> t) => string.Join(", ", t.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)));
        TestContext.Current.TestOutputHelper?.WriteLine($"INVITE->200 with the grain silo frozen: {Show(times)} ms; all silos running: {Show(controlTimes)} ms");
        Assert.Equal(6, times.Count);
        Assert.Equal(6, controlTimes.Count);

        // Under 100 ms; on a machine so loaded that calls take longer even with every silo running, no more than twice
        // that (a call that waited on the grain took its 2 s timeout before issue #15).
        var bound = Math.Max(100, 2 * controlTimes.Max());
        Assert.All(times, t => Assert.True(t < bound, $"INVITE->200 took {t} ms with the call grain's silo frozen (bound {bound} ms)"));
        Assert.Contains("did not take the report", b.Output, StringComparison.Ordinal);
        var list = await b.WaitForRecordingsAsync(4);
        Assert.All(list.Items, r => Assert.Equal("complete", r.Status));
    }

    [Fact]
    public async Task EveryNodeListsTheCallsOfBothNodesAndAnOperatorPausesARecordingThroughTheOtherNode()
    {
        var cluster = SharedClusterSettings.Create();
        await using var a = await RecorderNode.StartAsync(cluster.With("primary", FastReports));
        await using var b = await RecorderNode.StartAsync(cluster.With("backup", FastReports));
        await WaitForActiveNodesAsync(b, 2);
        using (var created = await a.Http.PostAsJsonAsync("/api/users", new { name = "bob", role = "user", password = "password-123", numbers = new[] { "555000" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var refciA = NewRefci();
        var (onA, idsA) = await StartCallsAsync(a, [refciA], durationMs: 12000);
        var (onB, _) = await StartCallsAsync(b, [NewRefci()], durationMs: 8000);
        var id = idsA.Single();

        // Both calls, from either node, with the node that records each and live packet figures.
        foreach (var node in new[] { a, b })
        {
            var calls = await WaitForClusterCallsAsync(node, 2);
            Assert.Equal(new[] { a.Name, b.Name }.Order(), calls.Select(c => c.GetProperty("node").GetString()).Order());
            Assert.All(calls, c => Assert.True(c.GetProperty("nearEndLeg").GetProperty("packetsReceived").GetInt64() > 0, c.ToString()));
            Assert.All(calls, c => Assert.True(c.GetProperty("durationSeconds").GetDouble() > 0, c.ToString()));
        }

        // A user without rights on these numbers sees none of them and may not pause (404, not 403: no existence leak).
        using var bob = await SignInAsync(b, "bob");
        Assert.Empty(await bob.GetFromJsonAsync<List<JsonElement>>("/api/calls/active", Ct) ?? []);
        using (var refused = await bob.PostAsync($"/api/calls/{id}/pause", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        // Pause through B's API while A records, for about 3 s.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        using (var paused = await b.Http.PostAsync($"/api/calls/{id}/pause", null, Ct))
        {
            Assert.True(paused.IsSuccessStatusCode, await paused.Content.ReadAsStringAsync(Ct));
            Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("state").GetString());
        }

        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        using (var resumed = await b.Http.PostAsync($"/api/calls/{id}/resume", null, Ct))
        {
            Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync(Ct));
        }

        await Task.WhenAll(onA, onB);
        var list = await a.WaitForRecordingsAsync(2);
        var recording = list.Items.Single(r => r.Refci == refciA);
        Assert.Equal(id, recording.Id);
        var manifest = await a.GetJsonAsync<JsonElement>($"/api/recordings/{id}");
        var pauses = manifest.GetProperty("pauses").EnumerateArray().Where(p => p.GetProperty("reason").GetString() == "operator").ToList();
        Assert.Equal(2, pauses.Count);
        Assert.All(pauses, p =>
        {
            Assert.InRange(p.GetProperty("durationSeconds").GetDouble(), 2.5, 3.8);
            Assert.False(string.IsNullOrEmpty(p.GetProperty("by").GetString()));
        });

        // Silence exactly over the pause, the tones on both sides of it.
        var wav = StereoWav.Read(await a.Http.GetByteArrayAsync($"/api/recordings/{id}/audio", Ct));
        var offset = pauses[0].GetProperty("offsetSeconds").GetDouble();
        var length = pauses[0].GetProperty("durationSeconds").GetDouble();
        var rate = wav.Format.SampleRate;
        short[] Slice(short[] channel, double from, double to) => channel[(int)(from * rate)..(int)(to * rate)];
        Assert.All(Slice(wav.Left, offset + 0.1, offset + length - 0.1), s => Assert.InRange(s, (short)-2, (short)2));
        Assert.All(Slice(wav.Right, offset + 0.1, offset + length - 0.1), s => Assert.InRange(s, (short)-2, (short)2));
        Assert.True(StereoWav.Goertzel(Slice(wav.Left, offset - 1.0, offset - 0.1), CallPlacer.NearTone, rate) > 1e5, "near-end tone before the pause");
        Assert.True(StereoWav.Goertzel(Slice(wav.Right, offset + length + 0.1, offset + length + 1.0), CallPlacer.FarTone, rate) > 1e5, "far-end tone after the pause");

        // The ledger says so: on each channel an operator gap where the pause is, and it adds up. The pause's times are
        // the control's wall clock, the gap's the muted samples: they differ by the receive path's delay (a few packets).
        var ledger = GapLedgerView.From(manifest);
        ledger.AssertAddsUp();
        foreach (var channel in new[] { 0, 1 })
        {
            var gap = Assert.Single(ledger.Gaps, g => g.Channel == channel && g.Reason == "operator");
            Assert.InRange(gap.OffsetSeconds, offset - 0.15, offset + 0.15);
            Assert.InRange(gap.DurationSeconds, length - 0.15, length + 0.15);
        }

        // Audited where it was asked.
        var audit = await b.GetJsonAsync<JsonElement>("/api/audit?pageSize=100");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("call-pause", actions);
        Assert.Contains("call-resume", actions);
    }

    [Fact]
    public async Task AnOperatorsStopThroughTheOtherNodeEndsTheRecordingWithAByeOnBothLegs()
    {
        var cluster = SharedClusterSettings.Create();
        await using var a = await RecorderNode.StartAsync(cluster.With("primary", FastReports));
        await using var b = await RecorderNode.StartAsync(cluster.With("backup", FastReports));
        await WaitForActiveNodesAsync(b, 2);

        // The legs stream 3 s of tone, then wait up to 60 s for the recorder's BYE.
        var (call, ids) = await StartCallsAsync(b, [NewRefci()], durationMs: 3000, scenario: "cucm_leg_until_bye.xml");
        await WaitForGrainAsync(a, ids.Single(), b.Name, TimeSpan.FromSeconds(15));
        var clock = Stopwatch.StartNew();
        using (var stopped = await a.Http.PostAsync($"/api/calls/{ids.Single()}/stop", null, Ct))
        {
            Assert.True(stopped.IsSuccessStatusCode, await stopped.Content.ReadAsStringAsync(Ct));
        }

        await call;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the legs ended {clock.Elapsed} after the stop");
        var recording = (await b.WaitForRecordingsAsync(1)).Items.Single();
        Assert.Equal(ids.Single(), recording.Id);
        var manifest = await b.GetJsonAsync<JsonElement>($"/api/recordings/{recording.Id}");
        var flags = manifest.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("near-end-operator-stopped", flags);
        Assert.Contains("far-end-operator-stopped", flags);
        using var gone = await a.Http.PostAsync($"/api/calls/{ids.Single()}/stop", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static string NewRefci() => Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    private static SippRun Leg(RecorderNode node, IReadOnlyList<string> refcis, string role, double tone, int durationMs, string scenario = "cucm_leg.xml")
    {
        var run = new SippRun
        {
            Scenario = scenario,
            CsvLines = [.. refcis.Select(r => SippRun.Leg(role, r))],
            RecorderPort = node.SipPort,
            Calls = refcis.Count,
            DurationMs = durationMs,
            TraceResponseTimes = true,
        };
        Tones.WriteMuLaw(Path.Combine(run.WorkDirectory, "leg.ulaw"), tone, durationMs / 1000.0);
        return run;
    }

    /// <summary>Starts the calls and returns their completion and recording ids once the node records them.</summary>
    private static async Task<(Task Done, IReadOnlyList<string> Ids)> StartCallsAsync(
        RecorderNode node, string[] refcis, int durationMs, string scenario = "cucm_leg.xml")
    {
        var near = Leg(node, refcis, "nearend", CallPlacer.NearTone, durationMs, scenario);
        var far = Leg(node, refcis, "farend", CallPlacer.FarTone, durationMs, scenario);
        var done = Task.WhenAll(near.RunAsync(), far.RunAsync()).ContinueWith(_ =>
        {
            Assert.True(near.ExitCode == 0 && far.ExitCode == 0, $"sipp exit {near.ExitCode}/{far.ExitCode}:\n{near.Logs}\n{far.Logs}\n--- recorder:\n{node.Output}");
        }, TaskScheduler.Default);
        var ids = new List<string>();
        var clock = Stopwatch.StartNew();
        while (ids.Count < refcis.Length)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"calls not recorded on {node.Name}\n{node.Output}");
            var calls = await node.GetJsonAsync<List<JsonElement>>("/api/calls/active");
            ids = [.. calls.Where(c => c.GetProperty("node").GetString() == node.Name && refcis.Contains(c.GetProperty("refci").GetString())
                    && c.GetProperty("legs").GetArrayLength() == 2)
                .Select(c => c.GetProperty("recordingId").GetString()!)];
            await Task.Delay(100, Ct);
        }

        return (done, ids);
    }

    private static async Task<IReadOnlyList<string>> WaitForLocalCallsAsync(RecorderNode node, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var calls = await node.GetJsonAsync<List<JsonElement>>("/api/calls/active");
            var ids = calls.Where(c => c.GetProperty("node").GetString() == node.Name && c.GetProperty("legs").GetArrayLength() == 2)
                .Select(c => c.GetProperty("recordingId").GetString()!).ToList();
            if (ids.Count >= count)
            {
                return ids;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{count} calls not recorded on {node.Name}\n{node.Output}");
            await Task.Delay(100, Ct);
        }
    }

    private static async Task<List<JsonElement>> WaitForClusterCallsAsync(RecorderNode node, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var calls = await node.GetJsonAsync<List<JsonElement>>("/api/calls/active");
            if (calls.Count == count && calls.All(c => c.GetProperty("nearEndLeg").ValueKind == JsonValueKind.Object
                    && c.GetProperty("nearEndLeg").GetProperty("packetsReceived").GetInt64() > 0))
            {
                return calls;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{node.Name} lists {calls.Count} calls: {string.Join('\n', calls)}");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>Polls the node's <c>/api/calls/{id}</c> until the call grain holds the call with both legs, recorded by <paramref name="recordedBy"/>.</summary>
    private static async Task WaitForGrainAsync(RecorderNode node, string id, string recordedBy, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < timeout)
        {
            using var response = await node.Http.GetAsync($"/api/calls/{id}", Ct);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}";
            if (response.IsSuccessStatusCode)
            {
                var call = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                if (call.GetProperty("node").GetString() == recordedBy && call.GetProperty("legs").GetArrayLength() == 2)
                {
                    return;
                }
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail($"{node.Name} never served call {id} from its grain; last answer {last}\n{node.Output}");
    }

    private static async Task WaitForActiveNodesAsync(RecorderNode node, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await node.GetJsonAsync<JsonElement>("/api/cluster");
            if (view.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "healthy") >= count)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"cluster never had {count} active nodes: {view}\n{node.Output}");
            await Task.Delay(250, Ct);
        }
    }

    private static async Task<HttpClient> SignInAsync(RecorderNode node, string user)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{node.HttpPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password = "password-123" }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {user}: {(int)response.StatusCode}");
        return client;
    }
}
