using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Issue #11 item 9, with a real SIP stack: baresip dials the recorder and plays a tone while its SDP names 127.0.0.2 and
/// its RTP leaves from 127.0.0.1 (<see cref="BaresipRun"/>). Under <c>latch</c> (here a per-peer override of the strict
/// default) the tone is recorded and the latched source noted; under <c>strict</c> nothing is recorded, and the
/// recording still exists, flagged <c>wrong-source</c> with the address the packets came from, searchable and counted.
/// </summary>
public sealed class MediaSourceTests(NodePool pool) : IClassFixture<NodePool>
{
    private const double Tone = 1000;

    /// <summary>Strict by default, latch for the loopback peer that signals: the settings shape an operator uses.</summary>
    private static readonly Dictionary<string, string> LatchLoopback = new()
    {
        ["Recorder__License__Channels"] = "4",
        ["Recorder__Rtp__SourceRule"] = "strict",
        ["Recorder__Rtp__LatchPeers__0"] = "127.0.0.1",
    };

    private static readonly Dictionary<string, string> StrictEverywhere = new()
    {
        ["Recorder__License__Channels"] = "4",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LatchRecordsTheToneFromAnotherAddressThanTheSdpNamed()
    {
        var node = await pool.GetAsync(LatchLoopback);
        var baresip = await new BaresipRun { RecorderPort = node.SipPort, ToneFrequency = Tone }.RunAsync();

        var listed = (await node.WaitForRecordingsAsync(1)).Items.Single();
        var recording = await node.GetJsonAsync<RecordingView>($"/api/recordings/{listed.Id}");
        var stats = NearEndStats(recording);
        var context = $"flags {string.Join(',', recording.Flags)}, stats {stats}\nbaresip:\n{baresip.Output}\nrecorder:\n{node.Output}";
        Assert.Equal("latch", stats.GetProperty("sourceRule").GetString());
        Assert.StartsWith("127.0.0.2:", stats.GetProperty("declaredSource").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1:", stats.GetProperty("latchedSource").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("near-end-no-audio", recording.Flags);
        Assert.DoesNotContain("near-end-wrong-source", recording.Flags);

        var wav = StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct));
        Assert.True(wav.DurationSeconds > 2, $"{wav.DurationSeconds} s recorded; {context}");
        var tone = wav.Power(wav.Left, Tone);
        var other = wav.Power(wav.Left, 1700);
        Assert.True(tone > 100 * other, $"the near-end channel should carry the {Tone} Hz tone: {tone:E2} vs {other:E2}; {context}");
    }

    [Fact]
    public async Task StrictFlagsTheLegWrongSourceWithTheAddressThePacketsCameFrom()
    {
        var node = await pool.GetAsync(StrictEverywhere);
        var baresip = await new BaresipRun { RecorderPort = node.SipPort, ToneFrequency = Tone }.RunAsync();

        var listed = (await node.WaitForRecordingsAsync(1)).Items.Single();
        var recording = await node.GetJsonAsync<RecordingView>($"/api/recordings/{listed.Id}");
        var stats = NearEndStats(recording);
        var context = $"flags {string.Join(',', recording.Flags)}, stats {stats}\nbaresip:\n{baresip.Output}\nrecorder:\n{node.Output}";
        Assert.Equal("partial", recording.Status);
        Assert.Contains("near-end-no-audio", recording.Flags);
        Assert.Contains("near-end-wrong-source", recording.Flags);
        Assert.Equal("strict", stats.GetProperty("sourceRule").GetString());
        Assert.StartsWith("127.0.0.1:", stats.GetProperty("refusedSource").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.2:", stats.GetProperty("declaredSource").GetString(), StringComparison.Ordinal);
        Assert.True(stats.GetProperty("packetsWrongSource").GetInt64() > 50, context);

        // Found by its reason, and counted by it.
        var found = await node.GetJsonAsync<RecordingList>("/api/recordings?flag=wrong-source");
        Assert.Equal([recording.Id], found.Items.Select(r => r.Id));
        Assert.Empty((await node.GetJsonAsync<RecordingList>("/api/recordings?flag=no-ack")).Items);
        var metrics = await node.Http.GetStringAsync("/metrics", Ct);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("recorder_legs_no_audio", StringComparison.Ordinal)
            && l.Contains("reason=\"wrong-source\"", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 1", StringComparison.Ordinal));
    }

    private static JsonElement NearEndStats(RecordingView recording) =>
        recording.Manifest!.Value.GetProperty("nearEnd").GetProperty("stats");
}
