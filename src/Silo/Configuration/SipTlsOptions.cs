namespace OrleansRecorder.Silo.Configuration;

/// <summary>SIP over TLS: the node's certificate and the trust in peers (<c>Recorder:Sip:Tls</c>, SECURE_MEDIA.md §1).</summary>
internal sealed class SipTlsOptions
{
    /// <summary>
    /// The node's certificate: a PEM file (with <see cref="KeyFile"/>, or the key in the same file) or a PFX/PKCS#12
    /// file (<c>.pfx</c>, <c>.p12</c>). None: a self-signed certificate made in the data directory at first start.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>; none: the key is in the certificate file.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The PFX password, or the password of an encrypted PEM key.</summary>
    public string? Password { get; set; }

    /// <summary>Mutual TLS: an accepted connection must present a certificate that <see cref="ClientCaFile"/> or <see cref="PinnedCertificates"/> trusts.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>PEM bundle of the CAs (or self-signed CallManager certificates) peers' certificates must chain to.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>SHA-256 (or SHA-1) thumbprints of peer certificates trusted as they are, hex, colons allowed.</summary>
    public List<string> PinnedCertificates { get; set; } = [];

    /// <summary>Names the peer's subject CN or a SAN must match (CUCM's "X.509 Subject Name"); empty: any name.</summary>
    public List<string> PeerNames { get; set; } = [];

    /// <summary>A TLS connection whose handshake has not finished after this is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
