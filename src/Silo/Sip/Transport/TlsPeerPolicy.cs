using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Whether a TLS peer's certificate is acceptable: the CUCM nodes' certificates on a secure trunk (mutual TLS), or the
/// server's certificate when we open the connection. Trusted when pinned (SHA-256 or SHA-1 thumbprint) or issued by a
/// configured CA (the chain is built against those roots only, not the system store); with neither configured, the
/// system store decides. The subject CN or a SAN must then match a configured peer name, as CUCM's SIP trunk security
/// profile matches its "X.509 Subject Name" (SECURE_MEDIA.md §1).
/// </summary>
/// <remarks>Thread-safe: no state changes after construction. Revocation is not checked (CUCM clusters publish no CRL).</remarks>
internal sealed class TlsPeerPolicy
{
    private readonly X509Certificate2Collection _trustAnchors;
    private readonly HashSet<string> _pins;
    private readonly string[] _peerNames;
    private readonly TimeProvider _timeProvider;

    /// <param name="trustAnchors">CA certificates (the CUCM CallManager or its CA); empty: none.</param>
    /// <param name="pinnedThumbprints">SHA-256 or SHA-1 thumbprints in hex, colons and case ignored; empty: none.</param>
    /// <param name="peerNames">Names the peer's subject CN or a SAN must match; empty: any.</param>
    /// <param name="requireClientCertificate">An accepted connection must present a certificate (mutual TLS).</param>
    /// <param name="timeProvider">The clock validity periods are checked against.</param>
    public TlsPeerPolicy(X509Certificate2Collection trustAnchors, IEnumerable<string> pinnedThumbprints, IEnumerable<string> peerNames,
        bool requireClientCertificate, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(trustAnchors);
        ArgumentNullException.ThrowIfNull(pinnedThumbprints);
        ArgumentNullException.ThrowIfNull(peerNames);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _trustAnchors = trustAnchors;
        _pins = pinnedThumbprints.Select(NormalizeThumbprint).Where(p => p.Length > 0).ToHashSet(StringComparer.Ordinal);
        _peerNames = peerNames.Select(n => n.Trim()).Where(n => n.Length > 0).ToArray();
        RequireClientCertificate = requireClientCertificate;
        _timeProvider = timeProvider;
        if (requireClientCertificate && _trustAnchors.Count == 0 && _pins.Count == 0)
        {
            throw new ArgumentException(
                "Mutual TLS needs a CA bundle (Recorder:Sip:Tls:ClientCaFile) or pinned certificates (Recorder:Sip:Tls:PinnedCertificates): the system store would trust any public certificate.",
                nameof(requireClientCertificate));
        }
    }

    public bool RequireClientCertificate { get; }

    /// <summary>Null when <paramref name="certificate"/> is acceptable; else why not, for the log.</summary>
    /// <param name="certificate">The peer's certificate; null when it sent none.</param>
    /// <param name="chain">The chain TLS built (its extra certificates are the intermediates the peer sent), or null.</param>
    /// <param name="errors">What TLS found against the system store; used only when no trust is configured.</param>
    /// <param name="peerIsClient">True when we accepted the connection (the peer is the TLS client).</param>
    public string? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, bool peerIsClient)
    {
        if (certificate is null)
        {
            return peerIsClient && !RequireClientCertificate ? null : "no certificate presented";
        }

        using var owned = certificate as X509Certificate2 is null ? new X509Certificate2(certificate) : null;
        var peer = owned ?? (X509Certificate2)certificate;
        var now = _timeProvider.GetUtcNow();
        if (now > peer.NotAfter.ToUniversalTime())
        {
            return string.Create(CultureInfo.InvariantCulture, $"certificate '{peer.Subject}' expired on {peer.NotAfter.ToUniversalTime():u}");
        }

        if (now < peer.NotBefore.ToUniversalTime())
        {
            return string.Create(CultureInfo.InvariantCulture, $"certificate '{peer.Subject}' not valid before {peer.NotBefore.ToUniversalTime():u}");
        }

        var untrusted = Trust(peer, chain, errors);
        if (untrusted is not null)
        {
            return untrusted;
        }

        if (_peerNames.Length > 0 && !NamesOf(peer).Any(n => _peerNames.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            return $"certificate '{peer.Subject}' names none of the configured peer names ({string.Join(", ", _peerNames)})";
        }

        return null;
    }

    private string? Trust(X509Certificate2 peer, X509Chain? offered, SslPolicyErrors errors)
    {
        if (_pins.Count > 0 && (_pins.Contains(Sha256Of(peer)) || _pins.Contains(peer.Thumbprint.ToUpperInvariant())))
        {
            return null;
        }

        if (_trustAnchors.Count > 0)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_trustAnchors);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = _timeProvider.GetUtcNow().UtcDateTime;
            if (offered is not null)
            {
                foreach (var element in offered.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (chain.Build(peer))
            {
                return null;
            }

            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return $"certificate '{peer.Subject}' (issuer '{peer.Issuer}') is not issued by a configured CA ({status})";
        }

        if (_pins.Count > 0)
        {
            return $"certificate '{peer.Subject}' (SHA-256 {Sha256Of(peer)}) is not pinned";
        }

        // Nothing configured: the system store decides. The name is ours to check (we connect to addresses, not names).
        return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None
            ? null
            : $"certificate '{peer.Subject}' is not trusted by the system store ({errors})";
    }

    /// <summary>The subject's CN and the SAN's DNS names and addresses (what CUCM's "X.509 Subject Name" is matched against).</summary>
    internal static IEnumerable<string> NamesOf(X509Certificate2 certificate)
    {
        var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!string.IsNullOrEmpty(cn))
        {
            yield return cn;
        }

        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    yield return dns;
                }

                foreach (var address in san.EnumerateIPAddresses())
                {
                    yield return address.ToString();
                }
            }
        }
    }

    /// <summary>The SHA-256 fingerprint in upper-case hex, no separators.</summary>
    public static string Sha256Of(X509Certificate2 certificate) =>
        Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    private static string NormalizeThumbprint(string text) =>
        text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
}
