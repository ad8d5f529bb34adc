using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// SRTP offered over plain UDP (its SDES keys in clear, RFC 4568 §8.3) by a real SIP stack, baresip with mandatory
/// SRTP: refused with 488 by default; recorded, decrypted, when the operator allows it.
/// </summary>
public sealed class InsecureSrtpTests
{
    private const double Tone = 700;

    [Fact]
    public async Task SrtpOfferedOverUdpIsRefused488ByDefault()
    {
        await using var node = await RecorderNode.StartAsync();

        var baresip = await Dial(node);

        Assert.Contains("488", baresip.Output, StringComparison.Ordinal);
        var list = await node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100");
        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task SrtpOverUdpIsDecryptedAndRecordedWhenTheOperatorAllowsIt()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Sip__AllowSrtpOverInsecureTransport"] = "true",
        });

        var baresip = await Dial(node);

        var list = await node.WaitForRecordingsAsync(1);
        var recording = await node.GetJsonAsync<RecordingView>($"/api/recordings/{list.Items[0].Id}");
        Assert.StartsWith("AES_CM_128_HMAC_SHA1_",
            recording.Manifest!.Value.GetProperty("nearEnd").GetProperty("srtpSuite").GetString(), StringComparison.Ordinal);
        var wav = StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        Assert.True(wav.DurationSeconds > 2, $"{wav.DurationSeconds} s recorded\nbaresip:\n{baresip.Output}");
        var power = wav.Power(wav.Left, Tone);
        var other = wav.Power(wav.Left, 1700);
        Assert.True(power > 100 * other, $"the near-end channel should carry the {Tone} Hz tone: {power:E2} vs {other:E2}\nbaresip:\n{baresip.Output}");
    }

    private static Task<BaresipRun> Dial(RecorderNode node) => new BaresipRun
    {
        RecorderPort = node.SipPort,
        SdpAddress = "127.0.0.1",
        ToneFrequency = Tone,
        MediaEncryption = "srtp-mand",
    }.RunAsync();
}
