using System.Globalization;
using System.Text.Json;
using NAudio.Wave;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// The node as a SIPREC Session Recording Server (RFC 7866) for SRCs in each vendor's dialect (SECURE_MEDIA.md §4),
/// played by sipp (infra/sipp/siprec_*.xml) with one tone per stream sent to the ports of our answer: each test checks
/// which channel carries which tone and the participants through the REST API.
/// </summary>
public sealed class SiprecTests(RecorderFixture fixture) : IClassFixture<RecorderFixture>
{
    private const double CallerTone = 600;
    private const double CalleeTone = 1400;
    private const double ThirdTone = 2200;

    private RecorderNode Node => fixture.Node;

    [Fact]
    public async Task Rfc7866_Section6_CubeSession_TwoLabelledStreams_CallerLeftCalleeRight_ParticipantsInTheApi()
    {
        var (caller, callee, suffix) = NewParties();
        var ports = await RunAsync("siprec_cube.xml", $"{caller};{callee};{suffix}", [CallerTone, CalleeTone], toneSeconds: 2.5, durationMs: 3000);
        Assert.Equal(2, ports.Count);

        var recording = await SingleAsync(caller);
        Assert.Equal("complete", recording.Status);
        Assert.Empty(recording.Flags);
        Assert.Equal(caller, recording.NearEnd.Number);
        Assert.Equal(callee, recording.FarEnd.Number);
        Assert.Equal("siprec", recording.Profile);
        await AssertChannelsAsync(recording, CallerTone, CalleeTone);

        var siprec = await SiprecManifestAsync(recording);
        Assert.Equal("metadata", siprec.GetProperty("streamMapping").GetString());
        Assert.Equal("application/rs-metadata+xml", siprec.GetProperty("metadataContentType").GetString());
        Assert.Equal($"cube-session-{suffix}", siprec.GetProperty("sessionId").GetString());
        var participants = Participants(siprec);
        Assert.Equal([(caller, 0, "Cube Caller"), (callee, 1, null)], participants.Select(p => (p.Number, p.Channel!.Value, p.Name)));
        Assert.Equal($"sip:{caller}@10.0.0.1", participants[0].Aor);

        // The BYE's final metadata (CUBE): the caller's disassociate-time, and the session's end-time for the callee.
        Assert.Equal(DateTimeOffset.Parse("2026-01-10T09:04:59Z", CultureInfo.InvariantCulture), participants[0].LeftAt);
        Assert.Equal(DateTimeOffset.Parse("2026-01-10T09:05:00Z", CultureInfo.InvariantCulture), participants[1].LeftAt);

        // The callee's number finds the same recording: both participants are searchable, by name too (any case, any part).
        Assert.Equal(recording.Id, (await SingleAsync(callee)).Id);
        Assert.Contains(recording.Id, await ParticipantSearchAsync("CUBE CALL", $"&number={caller}"));
        Assert.Contains(recording.Id, await ParticipantSearchAsync($"{callee}@10.0.0.1"));
        Assert.DoesNotContain(recording.Id, await ParticipantSearchAsync("cube caller%"));
        var tooLong = await Node.Http.GetAsync("/api/recordings?participant=" + new string('x', 129), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("participant", await tooLong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // The page's participants come from the server, with which channel is whose.
        var shown = await DisplayedParticipantsAsync(recording);
        Assert.Equal([("left channel", "Cube Caller sip:" + caller + "@10.0.0.1 · left channel (stream 1)"), ("right channel", $"sip:{callee}@10.0.0.1 · right channel (stream 2)")], shown);
    }

    [Fact]
    public async Task Rfc7865_AcmeSession_LegacyNamespaceAndIds_CallerOnTheSecondMLine_IsStillLeft()
    {
        var (caller, callee, suffix) = NewParties();

        // The m-lines come callee first (label 16777228), caller second (16777227).
        await RunAsync("siprec_acme.xml", $"{caller};{callee};{suffix}", [CalleeTone, CallerTone], toneSeconds: 2.5, durationMs: 3000);

        var recording = await SingleAsync(caller);
        Assert.Equal("complete", recording.Status);
        Assert.Equal(caller, recording.NearEnd.Number);
        await AssertChannelsAsync(recording, CallerTone, CalleeTone);

        var siprec = await SiprecManifestAsync(recording);
        Assert.Equal("metadata", siprec.GetProperty("streamMapping").GetString());
        var participants = Participants(siprec);
        Assert.Equal([(caller, 0, "16777227"), (callee, 1, "16777228")], participants.Select(p => (p.Number, p.Channel!.Value, p.Label!)));

        // Acme's extension elements are kept as they came.
        var extensions = siprec.GetProperty("extensions").EnumerateArray().ToList();
        Assert.Contains(extensions, e => e.GetProperty("name").GetString() == "ucid"
            && e.GetProperty("xml").GetString()!.Contains($"00FA080018803B69810C3D-{suffix}", StringComparison.Ordinal));
        Assert.Contains(extensions, e => e.GetProperty("name").GetString() == "callingParty");
    }

    [Fact]
    public async Task Rfc7866_Section7_1_2_AudioCodesSession_LegacyContentType_HoldByReInvite_IsARecordedPause_JoinAndLeaveAreKept()
    {
        var (caller, callee, suffix) = NewParties();
        var joiner = NewNumber();
        const int holdMs = 1200;
        await RunAsync("siprec_audiocodes.xml", $"{caller};{callee};{suffix};{joiner}", [CallerTone, CalleeTone], toneSeconds: 4.5, durationMs: holdMs);

        var recording = await SingleAsync(caller);
        Assert.Equal("complete", recording.Status);
        await AssertChannelsAsync(recording, CallerTone, CalleeTone);

        var detail = await Node.GetJsonAsync<RecordingGroupView>($"/api/recordings/{recording.Id}");
        var pause = Assert.Single(detail.Pauses);
        Assert.Equal("farEnd", pause.Leg);
        Assert.Equal("hold", pause.Reason);
        Assert.InRange(pause.DurationSeconds!.Value, (holdMs / 1000.0) - 0.3, (holdMs / 1000.0) + 0.6);
        Assert.InRange(pause.OffsetSeconds!.Value, 1.0, 2.5);

        var siprec = await SiprecManifestAsync(recording);
        Assert.Equal("application/rs-metadata", siprec.GetProperty("metadataContentType").GetString());
        var participants = Participants(siprec);
        Assert.Equal([caller, callee, joiner], participants.Select(p => p.Number));
        Assert.Equal([0, 1], participants.Take(2).Select(p => p.Channel!.Value));

        // The participant of the re-INVITE's metadata joined later and has no channel of their own.
        Assert.Null(participants[2].Channel);
        Assert.True(participants[2].JoinedAt > participants[0].JoinedAt);

        // RFC 7866 §7.3: the UPDATE's metadata without them: they left, after they joined; the others are still in.
        Assert.True(participants[2].LeftAt > participants[2].JoinedAt);
        Assert.All(participants.Take(2), p => Assert.Null(p.LeftAt));
    }

    [Fact]
    public async Task Rfc7866_Section8_1_ThreeStreams_AreThreeChannelsEachWithItsTone_MappedByOrderWithoutStreamMetadata()
    {
        var (first, second, suffix) = NewParties();
        var third = NewNumber();
        var ports = await RunAsync("siprec_three_streams.xml", $"{first};{second};{suffix};{third}", [CallerTone, CalleeTone, ThirdTone],
            toneSeconds: 2.5, durationMs: 3000);
        Assert.Equal(3, ports.Count);
        Assert.All(ports, port => Assert.NotEqual(0, port));
        Assert.Equal(3, ports.Distinct().Count());

        var recording = await SingleAsync(first);
        Assert.Equal("complete", recording.Status);
        Assert.Empty(recording.Flags);
        var wav = await AssertChannelsAsync(recording, CallerTone, CalleeTone, ThirdTone);
        Assert.Equal(3, wav.Format.Channels);

        var detail = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        Assert.Equal(3, detail.Manifest!.Value.GetProperty("channels").GetInt32());
        var extra = Assert.Single(detail.Manifest!.Value.GetProperty("extraChannels").EnumerateArray());
        Assert.Equal((2, "3"), (extra.GetProperty("channel").GetInt32(), extra.GetProperty("label").GetString()));
        Assert.True(extra.GetProperty("samples").GetInt64() > 8000, extra.ToString());

        var siprec = await SiprecManifestAsync(recording);
        Assert.Equal("order", siprec.GetProperty("streamMapping").GetString());
        Assert.Equal(3, siprec.GetProperty("channels").GetInt32());
        var participants = Participants(siprec);
        Assert.Equal([(first, (int?)0), (second, 1), (third, 2)], participants.Select(p => (p.Number, p.Channel)));
        Assert.Equal(["channel 1", "channel 2", "channel 3"], (await DisplayedParticipantsAsync(recording)).Select(p => p.ChannelName));

        // The third participant is in no number column, and still found.
        Assert.Equal([recording.Id], await ParticipantSearchAsync(third));
        var streams = siprec.GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal([("1", 0), ("2", 1), ("3", 2)], streams.Select(s => (s.GetProperty("label").GetString(), s.GetProperty("channel").GetInt32())));
    }

    [Fact]
    public async Task Rfc7866_Section7_1_2_AStreamAddedByReInvite_IsAThirdChannel_SilentBeforeItCame()
    {
        var (first, second, suffix) = NewParties();
        var third = NewNumber();
        var run = new SippRun
        {
            Scenario = "siprec_add_stream.xml",
            CsvLines = [$"{first};{second};{suffix};{third}"],
            RecorderPort = Node.SipPort,
            DurationMs = 2500,
        };
        var sipp = run.RunAsync();
        var ports = await SiprecRtp.AnsweredPortsAsync(run, TimeSpan.FromSeconds(15));
        Assert.Equal(2, ports.Count);
        var twoStreams = SiprecRtp.SendTonesAsync(ports, [CallerTone, CalleeTone], 4.5);
        var later = await SiprecRtp.AnsweredPortsAsync(run, TimeSpan.FromSeconds(15), answer: 2);
        Assert.Equal(3, later.Count);
        Assert.Equal(ports, later.Take(2));
        Assert.NotEqual(0, later[2]);
        await SiprecRtp.SendTonesAsync([0, 0, later[2]], [0, 0, ThirdTone], 2.0);
        await twoStreams;
        await sipp;
        Assert.True(run.ExitCode == 0, $"sipp exit {run.ExitCode}:\n{run.Logs}\n--- recorder:\n{Node.Output}");

        var recording = await SingleAsync(first);
        Assert.Equal("complete", recording.Status);
        Assert.Empty(recording.Flags);
        var wav = await AssertChannelsAsync(recording, CallerTone, CalleeTone, ThirdTone);

        // Silent before the re-INVITE (1.5 s into the session), its tone from then on, in step with the others.
        var detail = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        var extra = Assert.Single(detail.Manifest!.Value.GetProperty("extraChannels").EnumerateArray());
        var lead = extra.GetProperty("leadingSilenceSamples").GetInt64();
        Assert.InRange(lead, 8000, 8000 * 3);
        Assert.All(wav.Channels[2].Take((int)lead), s => Assert.Equal(0, s));
        Assert.True(StereoWav.Goertzel(wav.Channels[2].Take((int)lead).ToArray(), ThirdTone, 8000) < 1);
        Assert.True(StereoWav.Goertzel(wav.Channels[2].Skip((int)lead).Take(8000).ToArray(), ThirdTone, 8000) > 1e5);
        Assert.True(StereoWav.Goertzel(wav.Channels[0].Take(8000).ToArray(), CallerTone, 8000) > 1e5, "the caller's tone before the re-INVITE");

        var siprec = await SiprecManifestAsync(recording);
        Assert.Equal(3, siprec.GetProperty("channels").GetInt32());
        var added = siprec.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("label").GetString() == "3");
        Assert.Equal(2, added.GetProperty("channel").GetInt32());
        Assert.True(added.GetProperty("addedAt").GetDateTimeOffset() > recording.StartedAt.AddSeconds(1));
        Assert.Equal([first, second, third], Participants(siprec).Select(p => p.Number));
    }

    [Fact]
    public async Task Rfc7866_SingleMixedMLine_IsOneChannel_NotFlaggedAsAMissingFarEnd()
    {
        var (caller, callee, suffix) = NewParties();
        await RunAsync("siprec_mixed.xml", $"{caller};{callee};{suffix}", [CallerTone], toneSeconds: 2.5, durationMs: 3000);

        var recording = await SingleAsync(caller);
        Assert.Equal("complete", recording.Status);
        Assert.Empty(recording.Flags);
        var wav = StereoWav.Read(await Node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));

        // A true mono file: one channel carrying the mix, not stereo with a silent side.
        Assert.Equal(1, wav.Format.Channels);
        Assert.Equal(WaveFormatEncoding.Pcm, wav.Format.Encoding);
        Assert.True(wav.DurationSeconds > 2, $"{wav.DurationSeconds} s");
        Assert.True(wav.Power(wav.Left, CallerTone) > 100 * wav.Power(wav.Left, CalleeTone));

        var detail = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        Assert.Equal(1, detail.Manifest!.Value.GetProperty("channels").GetInt32());
        var siprec = await SiprecManifestAsync(recording);
        Assert.Equal(1, siprec.GetProperty("channels").GetInt32());
        Assert.Equal("mono", (await DisplayedParticipantsAsync(recording))[0].ChannelName);
        Assert.Equal([caller, callee], Participants(siprec).Select(p => p.Number));
    }

    private Task<IReadOnlyList<int>> RunAsync(string scenario, string csv, IReadOnlyList<double> tones, double toneSeconds, int durationMs) =>
        SiprecCalls.RunAsync(Node, scenario, csv, tones, toneSeconds, durationMs);

    private async Task<RecordingView> SingleAsync(string number)
    {
        var list = await Node.WaitForRecordingsAsync(1, $"&number={number}");
        return Assert.Single(list.Items);
    }

    /// <summary>Channel i of the served audio carries tones[i] and none of the others (each at least 20 dB down).</summary>
    private async Task<StereoWav> AssertChannelsAsync(RecordingView recording, params double[] tones)
    {
        var wav = StereoWav.Read(await Node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        Assert.Equal(tones.Length, wav.Channels.Length);
        for (var c = 0; c < tones.Length; c++)
        {
            var own = wav.Power(wav.Channels[c], tones[c]);
            foreach (var other in tones.Where((_, i) => i != c))
            {
                var leak = wav.Power(wav.Channels[c], other);
                Assert.True(own > 100 * leak, $"channel {c} should carry {tones[c]} Hz, not {other} Hz: {own:E2} vs {leak:E2}");
            }
        }

        return wav;
    }

    private async Task<List<string>> ParticipantSearchAsync(string participant, string more = "")
    {
        var list = await Node.GetJsonAsync<RecordingList>($"/api/recordings?pageSize=100&participant={Uri.EscapeDataString(participant)}{more}");
        return [.. list.Items.Select(r => r.Id)];
    }

    private async Task<List<(string ChannelName, string Display)>> DisplayedParticipantsAsync(RecordingView recording)
    {
        var detail = await Node.GetJsonAsync<JsonElement>($"/api/recordings/{recording.Id}");
        return [.. detail.GetProperty("participants").EnumerateArray().Select(p => (p.GetProperty("channelName").GetString()!, p.GetProperty("display").GetString()!))];
    }

    private async Task<JsonElement> SiprecManifestAsync(RecordingView recording)
    {
        var detail = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        return detail.Manifest!.Value.GetProperty("siprec");
    }

    private static List<ParticipantView> Participants(JsonElement siprec) =>
        [.. siprec.GetProperty("participants").EnumerateArray().Select(p => new ParticipantView(
            Text(p, "number"), Text(p, "name"), Text(p, "aor"), Text(p, "label"),
            p.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null,
            Time(p, "joinedAt"), Time(p, "leftAt")))];

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (string Caller, string Callee, string Suffix) NewParties() => (NewNumber(), NewNumber(), Guid.NewGuid().ToString("N")[..12]);

    private static string NewNumber() => Random.Shared.Next(30_000_000, 39_999_999).ToString(CultureInfo.InvariantCulture);

    private sealed record ParticipantView(string? Number, string? Name, string? Aor, string? Label, int? Channel, DateTimeOffset? JoinedAt,
        DateTimeOffset? LeftAt);
}
