using System.Globalization;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Both legs of a CUCM-like call over SIP/TLS with SDES SRTP (SECURE_MEDIA.md §1, issue 12): the harness answers the
/// recorder's RTP/SAVP delayed offer as CUCM does (one crypto line, its own key) and streams its tone protected by
/// libsrtp, so the audio only comes out right if our SRTP receive agrees with an implementation nobody here wrote. A leg
/// whose stream does not match the key in its ACK records nothing and counts why.
/// </summary>
public sealed class SecureTrunkSrtpTests(SecureTrunkFixture fixture) : IClassFixture<SecureTrunkFixture>
{
    private const double ToneSeconds = 3;

    private RecorderNode Node => fixture.Node;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACucmCallWithSrtpOnBothLegsIsRecordedWithBothTonesAndEachLegsSuite()
    {
        var (recording, wav) = await PlayCallAsync(
            new TlsLegSrtp("AES_CM_128_HMAC_SHA1_80"),
            new TlsLegSrtp("AEAD_AES_128_GCM"));

        var manifest = recording.Manifest!.Value;
        var context = $"flags {string.Join(',', recording.Flags)}; manifest {manifest}";
        Assert.Equal("complete", recording.Status);
        Assert.Empty(recording.Flags);
        Assert.Equal("PCMU", recording.Codec);
        Assert.Equal("AES_CM_128_HMAC_SHA1_80", manifest.GetProperty("nearEnd").GetProperty("srtpSuite").GetString());
        Assert.Equal("AEAD_AES_128_GCM", manifest.GetProperty("farEnd").GetProperty("srtpSuite").GetString());
        foreach (var leg in new[] { "nearEnd", "farEnd" })
        {
            Assert.Equal("tls", manifest.GetProperty(leg).GetProperty("signallingTransport").GetString());
            Assert.True(Stats(recording, leg).GetProperty("packetsAuthFailed").GetInt64() == 0, context);
        }

        Assert.InRange(wav.DurationSeconds, 2.9, 3.3);
        var nearOnLeft = wav.Power(wav.Left, CallPlacer.NearTone);
        var farOnLeft = wav.Power(wav.Left, CallPlacer.FarTone);
        var nearOnRight = wav.Power(wav.Right, CallPlacer.NearTone);
        var farOnRight = wav.Power(wav.Right, CallPlacer.FarTone);
        Assert.True(nearOnLeft > 100 * farOnLeft, $"left channel should carry the near-end tone: {nearOnLeft:E2} vs {farOnLeft:E2}; {context}");
        Assert.True(farOnRight > 100 * nearOnRight, $"right channel should carry the far-end tone: {farOnRight:E2} vs {nearOnRight:E2}; {context}");
    }

    [Fact]
    public async Task ALegProtectedWithAnotherKeyThanItsAckCarriesRecordsNothingAndCountsAuthenticationFailures()
    {
        var (recording, wav) = await PlayCallAsync(
            new TlsLegSrtp("AES_CM_128_HMAC_SHA1_80", ProtectWithAnotherKey: true),
            new TlsLegSrtp("AES_CM_128_HMAC_SHA1_32"));

        var near = Stats(recording, "nearEnd");
        var context = $"flags {string.Join(',', recording.Flags)}; near-end stats {near}";
        Assert.Contains("near-end-no-audio", recording.Flags);
        Assert.DoesNotContain("far-end-no-audio", recording.Flags);
        Assert.Equal("AES_CM_128_HMAC_SHA1_80", recording.Manifest!.Value.GetProperty("nearEnd").GetProperty("srtpSuite").GetString());

        // Every packet that came was dropped at authentication, before anything decoded it: nothing garbled written.
        var received = near.GetProperty("packetsReceived").GetInt64();
        Assert.True(received > 100, $"the near end's SRTP should have arrived ({received} packets); {context}");
        Assert.True(near.GetProperty("packetsAuthFailed").GetInt64() == received, context);
        Assert.True(near.GetProperty("samplesWritten").GetInt64() == 0, context);
        Assert.True(Stats(recording, "farEnd").GetProperty("packetsAuthFailed").GetInt64() == 0, context);

        var loudestLeft = wav.Left.Max(s => Math.Abs((int)s));
        Assert.True(loudestLeft == 0, $"the near-end channel should be silent, its loudest sample is {loudestLeft}; {context}");
        var farOnRight = wav.Power(wav.Right, CallPlacer.FarTone);
        var nearOnRight = wav.Power(wav.Right, CallPlacer.NearTone);
        Assert.True(farOnRight > 100 * nearOnRight, $"right channel should carry the far-end tone: {farOnRight:E2} vs {nearOnRight:E2}; {context}");
    }

    /// <summary>Both legs over mutual TLS at once, as CUCM's Built-in Bridge forks them; the recording and its audio.</summary>
    private async Task<(RecordingView Recording, StereoWav Wav)> PlayCallAsync(TlsLegSrtp nearSrtp, TlsLegSrtp farSrtp)
    {
        var refci = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var fingerprint = await NodeFingerprintAsync();
        await using var near = await TlsCucmLeg.ConnectAsync(Node.TlsPort, fixture.Cucm, fingerprint, Ct);
        await using var far = await TlsCucmLeg.ConnectAsync(Node.TlsPort, fixture.Cucm, fingerprint, Ct);

        var byes = await Task.WhenAll(
            near.PlayAsync("nearend", refci, CallPlacer.NearTone, ToneSeconds, durationMs: 3500, nearSrtp, Ct),
            far.PlayAsync("farend", refci, CallPlacer.FarTone, ToneSeconds, durationMs: 3500, farSrtp, Ct));
        Assert.Equal([200, 200], byes);

        var recording = await RecordingOfAsync(refci);
        var wav = StereoWav.Read(await Node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct));
        return (recording, wav);
    }

    private static JsonElement Stats(RecordingView recording, string leg) =>
        recording.Manifest!.Value.GetProperty(leg).GetProperty("stats");

    private async Task<string> NodeFingerprintAsync()
    {
        var cluster = await Node.GetJsonAsync<JsonElement>("/api/cluster");
        var node = cluster.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == Node.Name);
        return node.GetProperty("sipCertificate").GetProperty("sha256").GetString()!;
    }

    private async Task<RecordingView> RecordingOfAsync(string refci)
    {
        for (var attempt = 0; attempt < 80; attempt++)
        {
            var list = await Node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100&number=198101");
            if (list.Items.SingleOrDefault(r => r.Refci == refci) is { } found)
            {
                return await Node.GetJsonAsync<RecordingView>($"/api/recordings/{found.Id}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, Ct);
        }

        throw new Xunit.Sdk.XunitException($"No recording for refci {refci} within 20 s.\n{Node.Output}");
    }
}
