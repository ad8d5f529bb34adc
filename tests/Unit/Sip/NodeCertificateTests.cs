using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Hosting;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>The node's TLS certificate: self-signed at first start and reused, PEM and PFX files, the 30-day expiry warning.</summary>
public sealed class NodeCertificateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("recorder-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ASelfSignedCertificateIsMadeAtFirstStartAndReusedAtTheSecond()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        var first = NodeCertificate.LoadOrCreateSelfSigned(_directory, "recorder-1", IPAddress.Parse("10.1.1.20"), time);
        var second = NodeCertificate.LoadOrCreateSelfSigned(_directory, "recorder-1", IPAddress.Parse("10.1.1.20"), time);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.True(second.SelfSigned);
        Assert.True(second.Certificate.HasPrivateKey);
        Assert.Equal(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        Assert.Equal("CN=recorder-1", second.Certificate.Subject);
        Assert.Equal(["recorder-1", "recorder-1", "localhost", "10.1.1.20", "127.0.0.1"], TlsPeerPolicy.NamesOf(second.Certificate));
        Assert.True(File.Exists(Path.Combine(_directory, "tls", "node.crt.pem")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "tls", "node.key.pem")));
        }
    }

    [Fact]
    public void AnExpiredSelfSignedCertificateIsMadeAnew()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var first = NodeCertificate.LoadOrCreateSelfSigned(_directory, "recorder-1", IPAddress.Loopback, time);

        time.Advance(TimeSpan.FromDays(2 * 366));
        var renewed = NodeCertificate.LoadOrCreateSelfSigned(_directory, "recorder-1", IPAddress.Loopback, time);

        Assert.True(renewed.Created);
        Assert.NotEqual(first.Certificate.Thumbprint, renewed.Certificate.Thumbprint);
    }

    [Fact]
    public void ACertificateAndKeyAreLoadedFromPemFiles()
    {
        using var made = TlsTestCertificates.SelfSigned("recorder-pem");
        var certificatePath = Path.Combine(_directory, "node.pem");
        var keyPath = Path.Combine(_directory, "node.key");
        File.WriteAllText(certificatePath, made.ExportCertificatePem());
        File.WriteAllText(keyPath, made.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var loaded = NodeCertificate.Load(certificatePath, keyPath, password: null);

        Assert.Equal(made.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.False(loaded.SelfSigned);
    }

    [Fact]
    public void ACertificateIsLoadedFromAPasswordProtectedPfx()
    {
        using var made = TlsTestCertificates.SelfSigned("recorder-pfx");
        var path = Path.Combine(_directory, "node.pfx");
        File.WriteAllBytes(path, made.Export(X509ContentType.Pfx, "s3cret"));

        var loaded = NodeCertificate.Load(path, keyFile: null, "s3cret");

        Assert.Equal(made.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
    }

    [Fact]
    public void AMissingCertificateFileStopsTheStartWithTheSettingNamed()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NodeCertificate.Load(Path.Combine(_directory, "none.pem"), null, null));

        Assert.Contains("Recorder:Sip:Tls:CertificateFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MutualTlsWithoutACaBundleOrPinsStopsTheStart()
    {
        var options = new SipTlsOptions { RequireClientCertificate = true };

        var error = Assert.Throws<InvalidOperationException>(() =>
            SipTlsSetup.Create(options, _directory, "recorder-1", IPAddress.Loopback, TimeProvider.System));

        Assert.Contains("ClientCaFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateWithin30DaysOfExpiryIsFlagged()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var certificate = NodeCertificate.LoadOrCreateSelfSigned(_directory, "recorder-1", IPAddress.Loopback, time);
        var notAfter = new DateTimeOffset(certificate.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

        var healthy = certificate.Describe(notAfter - TimeSpan.FromDays(31));
        var soon = certificate.Describe(notAfter - TimeSpan.FromDays(30));

        Assert.False(healthy.ExpiresSoon);
        Assert.True(soon.ExpiresSoon);
        Assert.Equal("CN=recorder-1", soon.Subject);
        Assert.True(soon.SelfSigned);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(certificate.Certificate.RawData)),
            soon.Sha256.Replace(":", "", StringComparison.Ordinal));
        Assert.Equal(95, soon.Sha256.Length); // 32 bytes as AA:BB:...
    }
}
