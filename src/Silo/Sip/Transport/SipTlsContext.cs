using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// What the SIP-over-TLS transport needs: the node's certificate (presented as server and, to CUCM, as client), the
/// peer policy, and the handshake timeout. TLS 1.2 and 1.3 only (CUCM 12.5+ speaks 1.2; 1.0/1.1 are deprecated by
/// RFC 8996).
/// </summary>
/// <remarks>Thread-safe; the certificate context is built once and shared by every connection.</remarks>
internal sealed class SipTlsContext
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    private readonly SslStreamCertificateContext _certificateContext;

    public SipTlsContext(X509Certificate2 certificate, TlsPeerPolicy policy, TimeSpan handshakeTimeout)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(handshakeTimeout, TimeSpan.Zero);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"The TLS certificate '{certificate.Subject}' has no private key.", nameof(certificate));
        }

        Certificate = certificate;
        Policy = policy;
        HandshakeTimeout = handshakeTimeout;
        _certificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    public TlsPeerPolicy Policy { get; }

    /// <summary>A connection whose handshake has not finished within this is closed (a peer that connects and waits).</summary>
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>Options for a connection we accepted; a refusal's reason is left in <paramref name="rejection"/>.</summary>
    public SslServerAuthenticationOptions ServerOptions(StrongBox<string?> rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _certificateContext,
            ClientCertificateRequired = Policy.RequireClientCertificate,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Accept(rejection, Policy.Check(certificate, chain, errors, peerIsClient: true)),
        };
    }

    /// <summary>Options for a connection we open to <paramref name="targetHost"/>; we present our certificate (CUCM asks for it).</summary>
    public SslClientAuthenticationOptions ClientOptions(string targetHost, StrongBox<string?> rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = _certificateContext,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Accept(rejection, Policy.Check(certificate, chain, errors, peerIsClient: false)),
        };
    }

    private static bool Accept(StrongBox<string?> rejection, string? reason)
    {
        rejection.Value = reason;
        return reason is null;
    }
}
