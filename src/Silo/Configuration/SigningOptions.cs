namespace OrleansRecorder.Silo.Configuration;

/// <summary>Tamper evidence (<c>Recorder:Signing</c>, docs/TAMPER_EVIDENCE.md).</summary>
internal sealed class SigningOptions
{
    /// <summary>
    /// PEM file of this node's ECDSA P-256 private key (PKCS#8 or SEC1 <c>EC PRIVATE KEY</c>); empty: one is generated
    /// at first start in <c>{DataDirectory}/keys/signing-p256.pem</c> (mode 0600).
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// How often the node appends its recording chain's head to the audit log when it moved (a signed checkpoint), so
    /// that <c>verify</c> sees the newest recordings removed (docs/TAMPER_EVIDENCE.md).
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>PEM files of other nodes' public keys, trusted at playback besides the keys published in the catalog.</summary>
    public List<string> TrustedKeys { get; set; } = [];
}
