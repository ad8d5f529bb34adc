using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Real CUCM-like calls (sipp) into a real recorder process; each recording is checked through the REST API: the
/// left channel carries the near-end tone and the right the far-end tone, the duration, the manifest and catalog fields.
/// </summary>
public sealed class RecordingTests(RecorderFixture fixture) : IClassFixture<RecorderFixture>
{
    private RecorderNode Node => fixture.Node;

    [Fact]
    public async Task DelayedOfferCallOverUdpIsRecordedInStereo()
    {
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci]);

        var recording = await SingleRecordingAsync(refci);
        Assert.Equal("complete", recording.Status);
        Assert.Equal(refci, recording.Refci);
        Assert.Equal("7878", recording.Profile);
        Assert.Equal(new PartyView("198101", "SEP2834A28318CE"), recording.NearEnd);
        Assert.Equal(new PartyView("172001", "SEPF02929E28A35"), recording.FarEnd);
        Assert.Equal("PCMU", recording.Codec);
        Assert.Equal("wav", recording.Format);
        Assert.Equal(Node.Name, recording.RecordedBy);
        Assert.Empty(recording.Flags);

        var wav = await AssertAudioAsync(recording, expectedSeconds: 3.0);
        Assert.Equal(8000, wav.Format.SampleRate);
        Assert.Equal(2, wav.Format.Channels);
    }

    [Fact]
    public async Task DelayedOfferCallOverTcpWithPcmaIsRecorded()
    {
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci], scenario: "cucm_leg_pcma.xml", transport: "t1");

        var recording = await SingleRecordingAsync(refci);
        Assert.Equal("complete", recording.Status);
        Assert.Equal("PCMA", recording.Codec);
        await AssertAudioAsync(recording, expectedSeconds: 3.0);
    }

    [Fact]
    public async Task EarlyOfferCallIsAnsweredRecvonlyAndRecorded()
    {
        var refci = NewRefci();
        var (near, _) = await CallPlacer.PlaceAsync(Node, [refci], scenario: "cucm_leg_early.xml");

        var recording = await SingleRecordingAsync(refci);
        Assert.Equal("complete", recording.Status);
        await AssertAudioAsync(recording, expectedSeconds: 3.0);
        Assert.Contains("a=recvonly", near.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoCallsAtOnceAreRecordedSeparately()
    {
        var first = NewRefci();
        var second = NewRefci();
        await CallPlacer.PlaceAsync(Node, [first, second]);

        foreach (var refci in new[] { first, second })
        {
            var recording = await SingleRecordingAsync(refci);
            Assert.Equal("complete", recording.Status);
            await AssertAudioAsync(recording, expectedSeconds: 3.0);
        }
    }

    [Fact]
    public async Task ThirtyMillisecondPacketsAreRecordedWithoutGaps()
    {
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci], scenario: "cucm_leg_pcap30.xml", durationMs: 8000);

        var recording = await SingleRecordingAsync(refci);
        Assert.Equal("PCMA", recording.Codec);
        // sipp's g711a.pcap: 236 packets of 240 samples (30 ms) = 7.08 s of audio, replayed for each leg.
        Assert.InRange(recording.DurationSeconds, 7.0, 7.2);
        var manifest = recording.Manifest!.Value;
        foreach (var side in new[] { "nearEnd", "farEnd" })
        {
            var stats = manifest.GetProperty(side).GetProperty("stats");
            Assert.Equal(236, stats.GetProperty("packetsReceived").GetInt64());
            Assert.Equal(0, stats.GetProperty("packetsLost").GetInt64());
        }
    }

    [Fact]
    public async Task MidCallUpdateWithNewFarEndDataUpdatesTheMetadata()
    {
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci], scenario: "cucm_leg_update.xml", durationMs: 1750,
            csvLine: (role, r) => SippRun.Leg(role, r, extra: ["5550100", "TRUNK-TO-PSTN"]));

        var recording = await SingleRecordingAsync(refci);
        Assert.Equal(new PartyView("5550100", "TRUNK-TO-PSTN"), recording.FarEnd);
        Assert.Equal(new PartyView("198101", "SEP2834A28318CE"), recording.NearEnd);
        await AssertAudioAsync(recording, expectedSeconds: 3.0);
    }

    [Fact]
    public async Task AudioSupportsRangeRequestsAndTheApiNeedsTheKey()
    {
        var refci = NewRefci();
        await CallPlacer.PlaceAsync(Node, [refci], toneSeconds: 1, durationMs: 1500);
        var recording = await SingleRecordingAsync(refci);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/recordings/{recording.Id}/audio");
        ranged.Headers.Range = new RangeHeaderValue(0, 99);
        using var partial = await Node.Http.SendAsync(ranged, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("audio/wav", partial.Content.Headers.ContentType?.MediaType);
        Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);

        using var anonymous = new HttpClient { BaseAddress = Node.Http.BaseAddress };
        using var refused = await anonymous.GetAsync("/api/recordings", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        using var missing = await Node.Http.GetAsync("/api/recordings/does-not-exist", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var badPage = await Node.Http.GetAsync("/api/recordings?page=0&status=bogus", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Equal("application/problem+json", badPage.Content.Headers.ContentType?.MediaType);
    }

    private static string NewRefci() => Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    private async Task<RecordingView> SingleRecordingAsync(string refci)
    {
        var list = await Node.WaitForRecordingsAsync(1, "&number=198101");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var matches = list.Items.Where(r => r.Refci == refci).ToList();
            if (matches.Count > 0)
            {
                Assert.Single(matches);
                return await Node.GetJsonAsync<RecordingView>($"/api/recordings/{matches[0].Id}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"No recording for refci {refci}.\n{Node.Output}");
            await Task.Delay(250);
            list = await Node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100&number=198101");
        }
    }

    /// <summary>Downloads the audio and checks hash, size, tones per channel and duration.</summary>
    private async Task<StereoWav> AssertAudioAsync(RecordingView recording, double expectedSeconds)
    {
        var bytes = await Node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio");
        Assert.Equal(recording.ServedSizeBytes(), bytes.Length);
        Assert.Equal(recording.ServedSha256(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        var wav = StereoWav.Read(bytes);
        // Within a few packets: both legs start within milliseconds of each other.
        Assert.InRange(wav.DurationSeconds, expectedSeconds - 0.06, expectedSeconds + 0.2);
        Assert.InRange(recording.DurationSeconds, expectedSeconds - 0.06, expectedSeconds + 0.2);

        var nearOnLeft = wav.Power(wav.Left, CallPlacer.NearTone);
        var farOnLeft = wav.Power(wav.Left, CallPlacer.FarTone);
        var nearOnRight = wav.Power(wav.Right, CallPlacer.NearTone);
        var farOnRight = wav.Power(wav.Right, CallPlacer.FarTone);
        Assert.True(nearOnLeft > 100 * farOnLeft, $"left channel should carry the near-end tone: {nearOnLeft:E2} vs {farOnLeft:E2}");
        Assert.True(farOnRight > 100 * nearOnRight, $"right channel should carry the far-end tone: {farOnRight:E2} vs {nearOnRight:E2}");
        return wav;
    }
}
