using System.Security.Cryptography.X509Certificates;
using OrleansRecorder.Tests.Unit.Sip;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A recorder node set up as for a CUCM secure trunk (SECURE_MEDIA.md §1): TLS on its own port with a self-signed node
/// certificate made at first start, mutual TLS against a test "CallManager CA", the peer name CUCM's certificate must
/// carry, and secure signalling required (INVITEs over UDP/TCP are refused).
/// </summary>
public sealed class SecureTrunkFixture : IAsyncLifetime
{
    public const string CucmName = "cucm-pub.e2e.example.com";

    private readonly string _directory = Directory.CreateTempSubdirectory("recorder-e2e-tls-").FullName;

    internal RecorderNode Node { get; private set; } = null!;

    /// <summary>The CA the node trusts for CUCM's certificates.</summary>
    internal X509Certificate2 CallManagerCa { get; } = TlsTestCertificates.Ca("E2E CallManager CA");

    /// <summary>CUCM's certificate: issued by <see cref="CallManagerCa"/>, named <see cref="CucmName"/>.</summary>
    internal X509Certificate2 Cucm { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cucm = TlsTestCertificates.IssuedBy(CallManagerCa, CucmName, dnsNames: [CucmName]);
        var caFile = Path.Combine(_directory, "callmanager-trust.pem");
        await File.WriteAllTextAsync(caFile, CallManagerCa.ExportCertificatePem());
        Node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__License__Channels"] = "8",
            ["Recorder__Sip__RequireSecure"] = "true",
            ["Recorder__Sip__Tls__RequireClientCertificate"] = "true",
            ["Recorder__Sip__Tls__ClientCaFile"] = caFile,
            ["Recorder__Sip__Tls__PeerNames__0"] = CucmName,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        Cucm.Dispose();
        CallManagerCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
