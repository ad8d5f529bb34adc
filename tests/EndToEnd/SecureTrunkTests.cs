using System.Globalization;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Unit.Sip;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// A real recorder node on a CUCM secure trunk (SECURE_MEDIA.md §1): both legs of a CUCM-like call over SIP/TLS with
/// mutual TLS (driven by the harness's TLS client, sipp has no TLS here) and plain RTP, recorded with both tones and
/// marked secure; a client with an untrusted certificate refused; an INVITE over UDP refused 403 (RequireSecure); the
/// node's certificate in <c>/api/cluster</c>.
/// </summary>
public sealed class SecureTrunkTests(SecureTrunkFixture fixture) : IClassFixture<SecureTrunkFixture>
{
    private RecorderNode Node => fixture.Node;

    [Fact]
    public async Task ACucmCallWhoseTwoLegsComeOverTlsIsRecordedWithBothTonesAndMarkedSecure()
    {
        var refci = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var fingerprint = (await NodeCertificateAsync()).GetProperty("sha256").GetString()!;
        var ct = TestContext.Current.CancellationToken;
        await using var near = await TlsCucmLeg.ConnectAsync(Node.TlsPort, fixture.Cucm, fingerprint, ct);
        await using var far = await TlsCucmLeg.ConnectAsync(Node.TlsPort, fixture.Cucm, fingerprint, ct);

        var byes = await Task.WhenAll(
            near.PlayAsync("nearend", refci, CallPlacer.NearTone, toneSeconds: 3, durationMs: 3500, ct),
            far.PlayAsync("farend", refci, CallPlacer.FarTone, toneSeconds: 3, durationMs: 3500, ct));
        Assert.Equal([200, 200], byes);

        var recording = await RecordingOfAsync(refci);
        Assert.Equal("complete", recording.Status);
        Assert.Equal("PCMU", recording.Codec);
        var manifest = recording.Manifest!.Value;
        Assert.Equal("tls", manifest.GetProperty("nearEnd").GetProperty("signallingTransport").GetString());
        Assert.Equal("tls", manifest.GetProperty("farEnd").GetProperty("signallingTransport").GetString());
        var listed = (await Node.GetJsonAsync<JsonElement>("/api/recordings?pageSize=100&number=198101")).GetProperty("items")
            .EnumerateArray().Single(r => r.GetProperty("id").GetString() == recording.Id);
        Assert.True(listed.GetProperty("secureSignalling").GetBoolean());

        var wav = StereoWav.Read(await Node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", ct));
        Assert.InRange(wav.DurationSeconds, 2.9, 3.3);
        var nearOnLeft = wav.Power(wav.Left, CallPlacer.NearTone);
        var farOnLeft = wav.Power(wav.Left, CallPlacer.FarTone);
        var nearOnRight = wav.Power(wav.Right, CallPlacer.NearTone);
        var farOnRight = wav.Power(wav.Right, CallPlacer.FarTone);
        Assert.True(nearOnLeft > 100 * farOnLeft, $"left channel should carry the near-end tone: {nearOnLeft:E2} vs {farOnLeft:E2}");
        Assert.True(farOnRight > 100 * nearOnRight, $"right channel should carry the far-end tone: {farOnRight:E2} vs {nearOnRight:E2}");
    }

    [Fact]
    public async Task AClientWithAnUntrustedCertificateIsRefusedAndTheNodeSaysWhy()
    {
        using var impostor = TlsTestCertificates.SelfSigned(SecureTrunkFixture.CucmName, dnsNames: [SecureTrunkFixture.CucmName]);
        var fingerprint = (await NodeCertificateAsync()).GetProperty("sha256").GetString()!;
        var ct = TestContext.Current.CancellationToken;

        try
        {
            await using var leg = await TlsCucmLeg.ConnectAsync(Node.TlsPort, impostor, fingerprint, ct);
            Assert.Null(await leg.ReadMessageAsync(ct)); // TLS 1.3: refused once the node checked our certificate
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // TLS 1.2: refused during the handshake.
        }

        await WaitForOutputAsync("is not issued by a configured CA");
        Assert.Contains("TLS handshake failed", Node.Output, StringComparison.Ordinal);

        // Nothing else disturbed: the trusted CUCM still gets in.
        await using var cucm = await TlsCucmLeg.ConnectAsync(Node.TlsPort, fixture.Cucm, fingerprint, ct);
        Assert.Equal(200, await cucm.OptionsAsync(ct));
    }

    [Fact]
    public async Task AnInviteOverUdpIsRefused403WhenSecureSignallingIsRequired()
    {
        var run = await new SippRun
        {
            Scenario = "probe_invite.xml",
            CsvLines = [SippRun.Leg("nearend", "55500403")],
            RecorderPort = Node.SipPort,
        }.RunAsync();

        Assert.True(run.ExitCode == 0, run.Logs + "\n--- recorder:\n" + Node.Output);
        Assert.Equal([403], run.LoggedStatuses);
    }

    [Fact]
    public async Task TheClusterViewShowsTheSelfSignedCertificateMadeAtFirstStart()
    {
        var certificate = await NodeCertificateAsync();

        Assert.Equal($"CN={Node.Name}", certificate.GetProperty("subject").GetString());
        Assert.True(certificate.GetProperty("selfSigned").GetBoolean());
        Assert.False(certificate.GetProperty("expiresSoon").GetBoolean());
        Assert.True(certificate.GetProperty("notAfter").GetDateTimeOffset() > TimeProvider.System.GetUtcNow().AddDays(300));

        // The fingerprint is that of the PEM file the node wrote into its data directory (and warned about).
        var pem = await File.ReadAllTextAsync(Path.Combine(Node.DataDirectory, "tls", "node.crt.pem"), TestContext.Current.CancellationToken);
        using var onDisk = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(onDisk.RawData)),
            certificate.GetProperty("sha256").GetString()!.Replace(":", "", StringComparison.Ordinal));
        Assert.Contains("made a self-signed one", Node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public Task BaresipCallingOverTlsWithPlainRtpIsRecordedWithItsTone() => BaresipOverTlsAsync(mediaEncryption: null);

    [Fact]
    public async Task BaresipCallingOverTlsWithMandatorySrtpIsRecordedWithItsTone()
    {
        // RFC 4568 SDES over SIP/TLS, baresip's own libsrtp-free SRTP: the keys reach us only inside TLS, and the audio
        // only decrypts with them (a wrong key or suite would leave the leg without audio).
        var manifest = await BaresipOverTlsAsync(mediaEncryption: "srtp-mand");
        var suite = manifest.GetProperty("nearEnd").GetProperty("srtpSuite").GetString();
        Assert.StartsWith("AES_CM_128_HMAC_SHA1_", suite, StringComparison.Ordinal);
    }

    private async Task<JsonElement> BaresipOverTlsAsync(string? mediaEncryption)
    {
        // A real SIP stack no one here wrote (Debian baresip-core, its libre TLS): CUCM's certificate and key in one PEM,
        // the node's self-signed certificate as its CA file.
        const double tone = 900;
        var work = Directory.CreateTempSubdirectory("baresip-tls-").FullName;
        var certificate = Path.Combine(work, "cucm.pem");
        await File.WriteAllTextAsync(certificate, fixture.Cucm.ExportCertificatePem() + "\n" +
            fixture.Cucm.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n", TestContext.Current.CancellationToken);
        var before = (await Node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100")).Items.Select(r => r.Id).ToHashSet();

        var baresip = await new BaresipRun
        {
            RecorderPort = Node.SipPort,
            TlsPort = Node.TlsPort,
            CertificateFile = certificate,
            CaFile = Path.Combine(Node.DataDirectory, "tls", "node.crt.pem"),
            SdpAddress = "127.0.0.1",
            ToneFrequency = tone,
            WorkDirectory = work,
            MediaEncryption = mediaEncryption,
        }.RunAsync();

        RecordingView? recording = null;
        for (var attempt = 0; attempt < 80 && recording is null; attempt++)
        {
            // This call's recording: new since the call began, and plain or SRTP as asked (another test's recording may
            // still be finalized meanwhile, so "the first new one" is not enough).
            foreach (var fresh in (await Node.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100")).Items.Where(r => !before.Contains(r.Id)))
            {
                var candidate = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{fresh.Id}");
                var srtp = candidate.Manifest!.Value.GetProperty("nearEnd").TryGetProperty("srtpSuite", out var suite)
                    && suite.ValueKind == JsonValueKind.String;
                if (srtp == (mediaEncryption is not null))
                {
                    recording = candidate;
                    before.Add(fresh.Id);
                    break;
                }

                before.Add(fresh.Id);
            }

            if (recording is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, TestContext.Current.CancellationToken);
            }
        }

        Assert.True(recording is not null, $"No recording from baresip.\nbaresip:\n{baresip.Output}\nrecorder:\n{Node.Output}");
        Assert.Equal("tls", recording.Manifest!.Value.GetProperty("nearEnd").GetProperty("signallingTransport").GetString());
        var wav = StereoWav.Read(await Node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        Assert.True(wav.DurationSeconds > 2, $"{wav.DurationSeconds} s recorded\nbaresip:\n{baresip.Output}");
        var power = wav.Power(wav.Left, tone);
        var other = wav.Power(wav.Left, 1700);
        Assert.True(power > 100 * other, $"the near-end channel should carry the {tone} Hz tone: {power:E2} vs {other:E2}\nbaresip:\n{baresip.Output}");
        return recording.Manifest!.Value;
    }

    private async Task<JsonElement> NodeCertificateAsync()
    {
        var cluster = await Node.GetJsonAsync<JsonElement>("/api/cluster");
        var node = cluster.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == Node.Name);
        return node.GetProperty("sipCertificate");
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

            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException($"No recording for refci {refci} within 20 s.\n{Node.Output}");
    }

    private async Task WaitForOutputAsync(string text)
    {
        for (var attempt = 0; attempt < 80 && !Node.Output.Contains(text, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, TestContext.Current.CancellationToken);
        }

        Assert.True(Node.Output.Contains(text, StringComparison.Ordinal), $"The node did not log '{text}':\n{Node.Output}");
    }
}
