namespace OrleansRecorder.Silo.Configuration;

/// <summary>Encryption at rest (<c>Recorder:Encryption</c>, docs/ENCRYPTION.md).</summary>
internal sealed class EncryptionOptions
{
    /// <summary>New recordings are stored encrypted; off, they are stored plain (existing encrypted ones still play).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The KEK that wraps new recordings' data keys; empty: the first configured one, else the generated one.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>The export writes decrypted copies (checked against the manifest's plaintext SHA-256); off, the stored ciphertext.</summary>
    public bool ExportDecrypted { get; set; } = true;

    /// <summary>
    /// AES-256 key file (32 bytes, base64 or hex) that wraps the per-call keys of calls in progress instead of the active
    /// KEK; give every node the same one so that a peer can take over a dead node's call. Unset on a public-key-only
    /// node: one is generated in <c>{DataDirectory}/keys/spool.key</c> (docs/ENCRYPTION.md).
    /// </summary>
    public string? SpoolKeyFile { get; set; }

    /// <summary>KEKs by id; none: one is generated in <c>{DataDirectory}/keys/</c> at first start.</summary>
    public List<KekOptions> Keys { get; set; } = [];
}
