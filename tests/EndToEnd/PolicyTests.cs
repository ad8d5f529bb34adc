using System.Net;
using System.Net.Http.Json;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// The SIP edge's answers that drive CUCM's route list (ARCHITECTURE.md, "Failover policy"), asserted from sipp's side
/// against real recorder processes: 403 untrusted, 404 user unknown and 486 no channel (no failover), 503 and OPTIONS.
/// Tests whose configurations agree share a node (<see cref="NodePool"/>); each uses numbers and refcis of its own.
/// </summary>
public sealed class PolicyTests(NodePool pool) : IClassFixture<NodePool>
{
    /// <summary>Recording users only: 5000 by configuration, others through the API.</summary>
    internal static readonly Dictionary<string, string> UsersOnly = new()
    {
        ["Recorder__Users__RecordAll"] = "false",
        ["Recorder__Users__Numbers__0"] = "5000",
    };

    /// <summary>One licensed channel.</summary>
    internal static readonly Dictionary<string, string> OneChannel = new()
    {
        ["Recorder__License__Channels"] = "1",
    };

    [Fact]
    public async Task InviteFromAnUntrustedSourceIsForbidden()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Sip__TrustedPeers__0"] = "192.0.2.0/24",
        });
        Assert.Equal([403], await ProbeAsync(node));
        await AssertNoRecordingsAsync(node);
    }

    [Fact]
    public async Task InviteForAnUnknownRecordingUserIsNotFound()
    {
        var node = await pool.GetAsync(UsersOnly);
        Assert.Equal([404], await ProbeAsync(node, refci: "12340404"));
        // The node is shared: nothing of this call, whatever the other test recorded.
        Assert.DoesNotContain((await node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100")).Items, r => r.Refci == "12340404");
        Assert.DoesNotContain(await node.GetJsonAsync<List<System.Text.Json.JsonElement>>("/api/calls/active"),
            c => c.GetProperty("refci").GetString() == "12340404");
    }

    [Fact]
    public async Task AUserManagedThroughTheApiBecomesARecordingUser()
    {
        // Its own near-end number (198202): the unknown-user test on the same node probes with 198101.
        var node = await pool.GetAsync(UsersOnly);
        Assert.Equal([404], await ProbeAsync(node, nearNumber: "198202"));

        using (var created = await node.Http.PostAsJsonAsync("/api/users", new
        {
            name = "agent198202", role = "user", password = "long-enough-password", numbers = new[] { "198202" },
        }, TestContext.Current.CancellationToken))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        // The SIP edge reads the users every few seconds.
        IReadOnlyList<int> statuses = [];
        for (var attempt = 0; attempt < 20 && !statuses.SequenceEqual([200]); attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            statuses = await ProbeAsync(node, refci: (30000000 + attempt).ToString(System.Globalization.CultureInfo.InvariantCulture), nearNumber: "198202");
        }

        Assert.Equal([200], statuses);
    }

    [Fact]
    public async Task InviteBeyondTheLicensedChannelsIsBusy()
    {
        var node = await pool.GetAsync(OneChannel);

        // One call holds the only channel (both of its legs count as one) while a second call is offered.
        var (holder, holding) = await HoldACallAsync(node, "11111111");
        Assert.Equal([486], await ProbeAsync(node, refci: "22222222"));
        await holding;
        Assert.True(holder.ExitCode == 0, holder.Logs);
    }

    [Fact]
    public async Task ANewCallBeyondTheNodesCallCapacityIs503SoCucmRecordsItOnTheBackup()
    {
        // ARCHITECTURE.md failover policy, "node near its measured capacity": unlike the licence's 486 above, a 503 that
        // sends the call down CUCM's route list to the backup, while the node's calls in progress go on.
        var node = await pool.GetAsync(new Dictionary<string, string> { ["Recorder__Sip__CallCapacity"] = "1" });
        // The call's other leg joins it over the capacity; a new call is turned away with the reason and Retry-After.
        var (holder, holding) = await HoldACallAsync(node, "33333333");
        var refused = await new SippRun { Scenario = "probe_invite.xml", CsvLines = [SippRun.Leg("nearend", "44444444")], RecorderPort = node.SipPort }
            .RunAsync();
        Assert.Equal([503], refused.LoggedStatuses);
        Assert.Contains("Retry-After: 30", refused.Logs, StringComparison.Ordinal);
        Assert.Contains("At capacity: 1 calls recorded", refused.Logs, StringComparison.Ordinal);
        Assert.Equal([200], await OptionsAsync(node));
        var license = await node.GetJsonAsync<System.Text.Json.JsonElement>("/api/license");
        Assert.Equal(1, license.GetProperty("callCapacity").GetInt32());

        await holding;
        Assert.True(holder.ExitCode == 0, holder.Logs);
        // The held call was recorded; once it has ended (its recording listed), the node takes a new call again.
        var list = await node.WaitForRecordingsAsync(1);
        Assert.Equal("33333333", Assert.Single(list.Items).Refci);
        Assert.Equal([200], await ProbeAsync(node, refci: "55555555"));
    }

    [Fact]
    public async Task ALicenceForAnotherNodeLeavesNoChannelAndAnswersBusy()
    {
        using var key = LicenseKeys.CreatePrivateKey();
        var dataDirectory = Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        var licenseFile = Path.Combine(dataDirectory, "node.lic");
        var publicKey = Path.Combine(dataDirectory, "licence-public.pem");
        await File.WriteAllTextAsync(publicKey, key.ExportSubjectPublicKeyInfoPem(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(licenseFile, LicenseSigner.Sign(new LicenseDocument
        {
            LicenseId = "L-1",
            Customer = "Test",
            Node = "some-other-node",
            Role = "primary",
            Channels = 10,
            IssuedAt = DateTimeOffset.UtcNow.AddDays(-1),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
        }, key), TestContext.Current.CancellationToken);

        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__License__File"] = licenseFile,
            ["Recorder__License__PublicKey"] = publicKey,
        }, dataDirectory);

        Assert.Equal([486], await ProbeAsync(node));
        var license = await node.GetJsonAsync<System.Text.Json.JsonElement>("/api/license");
        Assert.Equal("invalid", license.GetProperty("kind").GetString());
        Assert.Equal(0, license.GetProperty("channels").GetInt32());
        Assert.Contains("some-other-node", license.GetProperty("problem").GetString(), StringComparison.Ordinal);
        // Left out, the call capacity is 500 per processor the node may use (it runs with this process's affinity).
        Assert.Equal(500 * Environment.ProcessorCount, license.GetProperty("callCapacity").GetInt32());
        await AssertNoRecordingsAsync(node);
    }

    [Fact]
    public async Task NodeWithoutEnoughFreeDiskAnswers503AndOptionsSaysSo()
    {
        // A node that cannot write safely must push CUCM to the backup trunk. Free space below the configured minimum
        // stands in for a full or read-only disk (the tests run as root, which ignores read-only permission bits).
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Recording__MinFreeBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, wait: StartWait.Live);
        Assert.Equal([503], await ProbeAsync(node));
        Assert.Equal([503], await OptionsAsync(node));
        using var ready = await node.Http.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var retryAfter = (await new SippRun { Scenario = "probe_invite.xml", CsvLines = [SippRun.Leg("nearend", "3")], RecorderPort = node.SipPort }
            .RunAsync()).Logs;
        Assert.Contains("Retry-After: 30", retryAfter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInviteThatWaitedPastTheOverloadLimitIs503WhileOptionsStays200()
    {
        // A limit of one tick (100 ns) stands in for a saturated node: every INVITE waits longer than that for a thread.
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Sip__MaxInviteQueueDelay"] = "00:00:00.0000001",
        });
        Assert.Equal([503], await ProbeAsync(node));
        var logs = (await new SippRun { Scenario = "probe_invite.xml", CsvLines = [SippRun.Leg("nearend", "4")], RecorderPort = node.SipPort }
            .RunAsync()).Logs;
        Assert.Contains("Retry-After: 30", logs, StringComparison.Ordinal);
        Assert.Contains("Overloaded: the INVITE waited", logs, StringComparison.Ordinal);
        // Only new calls are turned away: the trunk stays up (CUCM would otherwise send every call to the backup).
        Assert.Equal([200], await OptionsAsync(node));
        await AssertNoRecordingsAsync(node);
    }

    [Fact]
    public async Task CallsOneAfterAnotherAreAllTakenUnderACapOfOneInviteInProgress()
    {
        // The cap counts a new call's INVITEs until they are answered: a count that leaked would refuse the second call.
        // With a cap of one, a call's two legs (sent together) are both taken: a leg whose partner was admitted is
        // admitted over the cap, so the call is not split between this node and the backup.
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Sip__MaxInvitesInProgress"] = "1",
        });
        string[] refcis = ["71000001", "71000002", "71000003"];
        foreach (var refci in refcis)
        {
            // Asserts that both sipp runs completed, i.e. each leg was answered 200 and recorded to its BYE.
            await CallPlacer.PlaceAsync(node, [refci], toneSeconds: 1, durationMs: 1200);
        }

        var list = await node.WaitForRecordingsAsync(refcis.Length);
        Assert.Equal(refcis, list.Items.Select(r => r.Refci!).Order().ToArray());
        Assert.All(list.Items, r => Assert.Equal("complete", r.Status));
    }

    [Fact]
    public async Task HealthyNodeAnswersOptions200()
    {
        // A node with one licensed channel is as healthy as any (OPTIONS says whether it can record, not how much).
        var node = await pool.GetAsync(OneChannel);
        Assert.Equal([200], await OptionsAsync(node));
    }

    /// <summary>
    /// Call <paramref name="refci"/> up on <paramref name="node"/>: its near end streams a tone for 4 s, and once it is
    /// active its far end is offered and must be answered 200 (it joins the call's recording, whatever the node's
    /// limits). Returns the near end's run and its completion.
    /// </summary>
    private static async Task<(SippRun Run, Task Done)> HoldACallAsync(RecorderNode node, string refci)
    {
        var holder = new SippRun
        {
            Scenario = "cucm_leg.xml",
            CsvLines = [SippRun.Leg("nearend", refci)],
            RecorderPort = node.SipPort,
            DurationMs = 4000,
        };
        Tones.WriteMuLaw(Path.Combine(holder.WorkDirectory, "leg.ulaw"), 600, 3);
        var holding = holder.RunAsync();
        await WaitForActiveCallsAsync(node, 1);
        var partner = new SippRun
        {
            Scenario = "probe_invite.xml",
            CsvLines = [SippRun.Leg("farend", refci)],
            RecorderPort = node.SipPort,
        };
        await partner.RunAsync();
        Assert.Equal([200], partner.LoggedStatuses);
        return (holder, holding);
    }

    private static async Task<IReadOnlyList<int>> ProbeAsync(RecorderNode node, string refci = "12345678", string nearNumber = "198101")
    {
        var run = await new SippRun
        {
            Scenario = "probe_invite.xml",
            CsvLines = [SippRun.Leg("nearend", refci, nearNumber: nearNumber)],
            RecorderPort = node.SipPort,
        }.RunAsync();
        // The answer is what a probe is for. After a 200, sipp may exit non-zero: the probe's ACK carries no SDP answer,
        // so the recorder hangs up, and its BYE can reach sipp before the 200 to sipp's own BYE ("unexpected BYE").
        Assert.True(run.ExitCode == 0 || run.LoggedStatuses is [200], run.Logs + "\n--- recorder:\n" + node.Output);
        return run.LoggedStatuses;
    }

    private static async Task<IReadOnlyList<int>> OptionsAsync(RecorderNode node)
    {
        var run = await new SippRun
        {
            Scenario = "options_ping.xml",
            CsvLines = [SippRun.Leg("nearend", "1")],
            RecorderPort = node.SipPort,
        }.RunAsync();
        Assert.True(run.ExitCode == 0, run.Logs + "\n--- recorder:\n" + node.Output);
        return run.LoggedStatuses;
    }

    private static async Task AssertNoRecordingsAsync(RecorderNode node)
    {
        var list = await node.GetJsonAsync<RecordingList>("/api/recordings");
        Assert.Equal(0, list.Total);
        var active = await node.GetJsonAsync<List<System.Text.Json.JsonElement>>("/api/calls/active");
        Assert.Empty(active);
    }

    private static async Task WaitForActiveCallsAsync(RecorderNode node, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var active = await node.GetJsonAsync<List<System.Text.Json.JsonElement>>("/api/calls/active");
            if (active.Count >= count)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{count} active call(s) expected.\n{node.Output}");
    }
}
