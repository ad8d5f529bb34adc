namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>A node's SIP-over-TLS certificate, as <c>GET /api/cluster</c> shows it (what to import into CUCM's CallManager-trust).</summary>
/// <param name="Subject">The subject distinguished name.</param>
/// <param name="Sha256">SHA-256 fingerprint, upper-case hex with colons (as CUCM's certificate page shows it).</param>
/// <param name="NotAfter">Expiry (UTC).</param>
/// <param name="ExpiresSoon">Expired or within 30 days of expiry: renew it and re-import it into CUCM.</param>
/// <param name="SelfSigned">Made by the node at first start (no certificate configured).</param>
[GenerateSerializer, Immutable, Alias("node-certificate-status")]
public sealed record NodeCertificateStatus(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Sha256,
    [property: Id(2)] DateTimeOffset NotAfter,
    [property: Id(3)] bool ExpiresSoon,
    [property: Id(4)] bool SelfSigned);
