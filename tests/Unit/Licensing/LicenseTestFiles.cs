using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Tests.Unit.Licensing;

/// <summary>A temporary directory with an issuer key pair, licences signed by it, and a fake clock at a fixed instant.</summary>
internal sealed class LicenseTestFiles : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public LicenseTestFiles()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("license-tests-").FullName;
        PublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
        PublicKeyPath = Path.Combine(Directory, "issuer.pub.pem");
        File.WriteAllText(PublicKeyPath, PublicKeyPem);
    }

    public string Directory { get; }
    public ECDsa Key { get; } = LicenseKeys.CreatePrivateKey();
    public string PublicKeyPem { get; }
    public string PublicKeyPath { get; }
    public FakeTimeProvider Time { get; } = new(Start);

    public static LicenseDocument Document(string node = "rec-a", string role = "primary", int channels = 30) => new()
    {
        LicenseId = "3f2a9c1e-0000-4000-8000-000000000001",
        Customer = "Contoso Contact Centre",
        Node = node,
        Role = role,
        Channels = channels,
        IssuedAt = Start.AddDays(-1),
        ExpiresAt = Start.AddDays(30),
    };

    /// <summary>Signs <paramref name="license"/> with the test key and writes it as a licence file.</summary>
    public string Write(LicenseDocument license, string name = "node.lic") => WriteText(LicenseSigner.Sign(license, Key), name);

    public string WriteText(string text, string name)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public LicenseVerifier Verifier() => new(Time);

    public void Dispose()
    {
        Key.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
