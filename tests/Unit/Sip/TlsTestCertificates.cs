using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>Certificates made for TLS tests (ECDSA P-256: quick to make): self-signed ones, a CA and leaves it issues.</summary>
internal static class TlsTestCertificates
{
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    public static X509Certificate2 SelfSigned(string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(commonName, key, isCa: false, dnsNames);
        return request.CreateSelfSigned(notBefore ?? Now.AddDays(-1), notAfter ?? Now.AddDays(365));
    }

    public static X509Certificate2 Ca(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Request(commonName, key, isCa: true, []).CreateSelfSigned(Now.AddDays(-365), Now.AddYears(5));
    }

    public static X509Certificate2 IssuedBy(X509Certificate2 ca, string commonName, DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(commonName, key, isCa: false, dnsNames);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(ca, notBefore ?? Now.AddDays(-1), notAfter ?? Now.AddDays(365), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Client options presenting <paramref name="certificate"/> (if any) and trusting only a server certificate equal to <paramref name="server"/>.</summary>
    public static SslClientAuthenticationOptions Client(X509Certificate2 server, X509Certificate2? certificate = null,
        SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13) => new()
    {
        TargetHost = "127.0.0.1",
        EnabledSslProtocols = protocols,
        ClientCertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, null, offline: true),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == server.GetCertHashString(),
    };

    private static CertificateRequest Request(string commonName, ECDsa key, bool isCa, string[] dnsNames)
    {
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        if (isCa)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        }
        else
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                if (IPAddress.TryParse(name, out var address))
                {
                    san.AddIpAddress(address);
                }
                else
                {
                    san.AddDnsName(name);
                }
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return request;
    }
}
