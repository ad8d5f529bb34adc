using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Issue #13 end to end: sipp as CUCM answers our delayed offer in G.722, Opus or G.729 and replays a pcap of a tone
/// made by an independent encoder; the recording must hold each tone on its channel at the codec's rate. An early offer
/// in a codec we lack gets 488 with a Warning.
/// </summary>
public sealed class CodecTests(RecorderFixture fixture) : IClassFixture<RecorderFixture>
{
    private RecorderNode Node => fixture.Node;

    [Fact]
    public async Task G722CallIsRecordedAt16kHzWithTheTonesOnTheirChannels()
    {
        // RFC 3551 §4.5.2: G722/8000 in SDP, 8000 timestamp units per second, 16 kHz audio.
        var manifest = await RecordAsync("9", "G722/8000", f => CodecTones.G722(f, 3), 160);

        Assert.Equal(16000, manifest.Wav.Format.SampleRate);
        Assert.Equal(16000, manifest.Json.GetProperty("sampleRate").GetInt32());
        Assert.Equal("G722", manifest.Json.GetProperty("codec").GetString());
    }

    [Fact]
    public async Task OpusCallIsRecordedAt16kHz()
    {
        // RFC 7587: opus/48000/2, 960 ticks of the 48 kHz clock per 20 ms.
        var manifest = await RecordAsync("111", "opus/48000/2", f => CodecTones.Opus(f, 3), 960);

        Assert.Equal(16000, manifest.Wav.Format.SampleRate);
        Assert.Equal("OPUS", manifest.Json.GetProperty("codec").GetString());
    }

    [Fact]
    public async Task G729CallIsRecordedAt8kHz()
    {
        // RFC 3551 §4.5.6: PT 18, two 10-byte frames per 20 ms packet, from libbcg729's own encoder.
        var manifest = await RecordAsync("18", "G729/8000", f => CodecTones.G729(f, 3), 160);

        Assert.Equal(8000, manifest.Wav.Format.SampleRate);
        Assert.Equal("G729", manifest.Json.GetProperty("codec").GetString());
    }

    [Fact]
    public async Task EarlyOfferInACodecWeLackGets488WithAWarningAndNoRecording()
    {
        var refci = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var leg = CallPlacer.Leg(Node, [refci], "nearend", CallPlacer.NearTone, "cucm_leg_early_unsupported.xml", "u1", 1, 1000,
            (role, r) => SippRun.Leg(role, r));

        await leg.RunAsync();

        // The scenario requires the 488 and checks its Warning (RFC 3261 §21.4.26, §20.43).
        Assert.True(leg.ExitCode == 0, $"sipp exit {leg.ExitCode}:\n{leg.Logs}\n--- recorder:\n{Node.Output}");
        Assert.Contains("offered iLBC", leg.Logs, StringComparison.Ordinal);
        var list = await Node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100&number=198101");
        Assert.DoesNotContain(list.Items, r => r.Refci == refci);
    }

    private async Task<(StereoWav Wav, JsonElement Json)> RecordAsync(string payloadType, string rtpMap, Func<double, List<byte[]>> encode, uint timestampStep)
    {
        var refci = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        SippRun Leg(string role, double tone)
        {
            var run = CallPlacer.Leg(Node, [refci], role, tone, "cucm_leg_codec_pcap.xml", "u1", 3, 3500,
                (r, id) => SippRun.Leg(r, id, extra: [payloadType, rtpMap]));
            RtpPcap.Write(Path.Combine(run.WorkDirectory, "leg.pcap"), int.Parse(payloadType, CultureInfo.InvariantCulture), encode(tone), timestampStep);
            return run;
        }

        var near = Leg("nearend", CallPlacer.NearTone);
        var far = Leg("farend", CallPlacer.FarTone);
        await Task.WhenAll(near.RunAsync(), far.RunAsync());
        Assert.True(near.ExitCode == 0, $"near-end sipp exit {near.ExitCode}:\n{near.Logs}\n--- recorder:\n{Node.Output}");
        Assert.True(far.ExitCode == 0, $"far-end sipp exit {far.ExitCode}:\n{far.Logs}\n--- recorder:\n{Node.Output}");

        var id = await RecordingIdAsync(refci);
        using var document = JsonDocument.Parse(await Node.Http.GetStringAsync($"/api/recordings/{id}"));
        var json = document.RootElement.Clone();
        var bytes = await Node.Http.GetByteArrayAsync($"/api/recordings/{id}/audio");
        // The API serves the plaintext: the manifest's hash of it when the file is stored encrypted (docs/ENCRYPTION.md).
        var served = json.GetProperty("manifest").TryGetProperty("encryption", out var encryption) && encryption.ValueKind == JsonValueKind.Object
            ? encryption.GetProperty("plainSha256").GetString()
            : json.GetProperty("sha256").GetString();
        Assert.Equal(served, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var wav = StereoWav.Read(bytes);
        Assert.InRange(wav.DurationSeconds, 2.9, 3.3);
        Assert.Equal(wav.Format.SampleRate, json.GetProperty("sampleRate").GetInt32());
        var nearOnLeft = wav.Power(wav.Left, CallPlacer.NearTone);
        var farOnLeft = wav.Power(wav.Left, CallPlacer.FarTone);
        var nearOnRight = wav.Power(wav.Right, CallPlacer.NearTone);
        var farOnRight = wav.Power(wav.Right, CallPlacer.FarTone);
        Assert.True(nearOnLeft > 100 * farOnLeft, $"left channel should carry the near-end tone: {nearOnLeft:E2} vs {farOnLeft:E2}");
        Assert.True(farOnRight > 100 * nearOnRight, $"right channel should carry the far-end tone: {farOnRight:E2} vs {nearOnRight:E2}");
        return (wav, json);
    }

    private async Task<string> RecordingIdAsync(string refci)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var list = await Node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100&number=198101");
            var match = list.Items.FirstOrDefault(r => r.Refci == refci);
            if (match is not null)
            {
                return match.Id;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No recording for refci {refci}.\n{Node.Output}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }
}
