using System.Security.Cryptography;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Unit.Recording.Opus;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>The default format on a real node: Ogg Opus, one mono stream per side, served as audio/ogg.</summary>
public sealed class OpusRecordingTests
{
    [Fact]
    public async Task ACallIsRecordedAsOggOpusWithEachSideOnItsOwnChannel()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Recording__Format"] = "opus",
        });
        await CallPlacer.PlaceAsync(node, ["63000001"]);

        var listed = (await node.WaitForRecordingsAsync(1)).Items.Single();
        var recording = await node.GetJsonAsync<RecordingView>($"/api/recordings/{listed.Id}");
        Assert.Equal("opus", recording.Format);
        using var response = await node.Http.GetAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken);
        Assert.Equal("audio/ogg", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal(recording.ServedSha256(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        // Strict read (capture pattern and CRC of every page), then decode the two streams at 8 kHz.
        var packets = OggTestReader.ReadPackets(OggTestReader.ReadPages(bytes));
        Assert.StartsWith("OpusHead", System.Text.Encoding.ASCII.GetString(packets[0].Packet, 0, 8), StringComparison.Ordinal);
        var decoded = OpusTestAudio.DecodeAll(packets.Skip(2).Select(p => p.Packet), 8000);
        var left = OpusTestAudio.Channel(decoded, 0);
        var right = OpusTestAudio.Channel(decoded, 1);
        Assert.True(StereoWav.Goertzel(left, CallPlacer.NearTone, 8000) > 100 * StereoWav.Goertzel(left, CallPlacer.FarTone, 8000), "near-end tone on the left");
        Assert.True(StereoWav.Goertzel(right, CallPlacer.FarTone, 8000) > 100 * StereoWav.Goertzel(right, CallPlacer.NearTone, 8000), "far-end tone on the right");
        Assert.InRange(left.Length / 8000.0, 2.95, 3.3);

        // About 6 MB per recorded hour; the target is at most 12.
        var bytesPerHour = bytes.Length / recording.DurationSeconds * 3600;
        Assert.True(bytesPerHour < 12_000_000, $"{bytesPerHour / 1e6:F1} MB per hour");
    }
}
