using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// The node's SIP-over-TLS certificate: loaded from PEM or PFX files, or, with none configured, a self-signed one made
/// in the data directory at first start and reused after (so the README's run command works and CUCM's
/// CallManager-trust keeps the same certificate across restarts).
/// </summary>
internal sealed class NodeCertificate
{
    /// <summary>A certificate this close to its expiry is a warning (log at start, flag in <c>/api/cluster</c>).</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>Where the self-signed certificate lives, under the data directory.</summary>
    public const string SelfSignedDirectory = "tls";

    private NodeCertificate(X509Certificate2 certificate, bool selfSigned, bool created)
    {
        Certificate = certificate;
        SelfSigned = selfSigned;
        Created = created;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Made by the node (no certificate configured).</summary>
    public bool SelfSigned { get; }

    /// <summary>Made by the node at this start (the first one).</summary>
    public bool Created { get; }

    /// <summary>Loads the configured certificate: PFX/PKCS#12 by extension (.pfx, .p12), else PEM with the key in <paramref name="keyFile"/> or the same file.</summary>
    /// <exception cref="InvalidOperationException">The files are missing or unreadable, or there is no private key; the message says which.</exception>
    public static NodeCertificate Load(string certificateFile, string? keyFile, string? password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateFile);
        try
        {
            var extension = Path.GetExtension(certificateFile).ToLowerInvariant();
            X509Certificate2 certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password, X509KeyStorageFlags.EphemeralKeySet)
                : string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(certificateFile, keyFile)
                    : X509Certificate2.CreateFromEncryptedPemFile(certificateFile, password, keyFile);
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"Recorder:Sip:Tls:CertificateFile '{certificateFile}' has no private key (set Recorder:Sip:Tls:KeyFile).");
            }

            return new NodeCertificate(certificate, selfSigned: false, created: false);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The TLS certificate could not be loaded from Recorder:Sip:Tls:CertificateFile '{certificateFile}'" +
                (keyFile is null ? "" : $" and KeyFile '{keyFile}'") + $": {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The self-signed certificate in <c>&lt;dataDirectory&gt;/tls</c>; made there (RSA 2048, two years, CN and SAN
    /// the node name, SANs the advertised address and localhost, server and client authentication: CUCM's mutual TLS
    /// uses it both ways) when absent or unreadable.
    /// </summary>
    public static NodeCertificate LoadOrCreateSelfSigned(string dataDirectory, string nodeName, IPAddress advertisedAddress,
        TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ArgumentNullException.ThrowIfNull(advertisedAddress);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var directory = Path.Combine(dataDirectory, SelfSignedDirectory);
        var certificatePath = Path.Combine(directory, "node.crt.pem");
        var keyPath = Path.Combine(directory, "node.key.pem");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            try
            {
                var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                if (existing.NotAfter.ToUniversalTime() > timeProvider.GetUtcNow())
                {
                    return new NodeCertificate(existing, selfSigned: true, created: false);
                }

                existing.Dispose(); // expired: made anew below (a self-signed certificate has no one to renew it)
            }
            catch (CryptographicException)
            {
                // Unreadable (a half-written file from a crash): made anew below.
            }
        }

        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + nodeName.Replace(",", "\\,", StringComparison.Ordinal)),
            key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(nodeName);
        names.AddDnsName("localhost");
        names.AddIpAddress(advertisedAddress);
        if (!advertisedAddress.Equals(IPAddress.Loopback))
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = timeProvider.GetUtcNow();
        using var made = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));

        // Key first and private to the node's user; the certificate file last, so a crash in between leaves no pair.
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, made.ExportCertificatePem());
        return new NodeCertificate(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), selfSigned: true, created: true);
    }

    /// <summary>What the cluster view shows of this certificate at <paramref name="now"/>.</summary>
    public NodeCertificateStatus Describe(DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        return new NodeCertificateStatus(
            Certificate.Subject,
            FormatFingerprint(TlsPeerPolicy.Sha256Of(Certificate)),
            notAfter,
            ExpiresSoon: notAfter - now <= ExpiryWarning,
            SelfSigned);
    }

    /// <summary>AA:BB:... as CUCM's certificate management page prints fingerprints.</summary>
    public static string FormatFingerprint(string hex) =>
        string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));

    private static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(text);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Certificate.Subject} (SHA-256 {TlsPeerPolicy.Sha256Of(Certificate)})");
}
