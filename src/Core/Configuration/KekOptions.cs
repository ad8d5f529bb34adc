namespace OrleansRecorder.Silo.Configuration;

/// <summary>One key-encryption key (<c>Recorder:Encryption:Keys:n</c>): exactly one of the key sources.</summary>
internal sealed class KekOptions
{
    public string Id { get; set; } = "";

    /// <summary>AES-256 key in a file: 32 raw bytes, or their base64 or hex text.</summary>
    public string? KeyFile { get; set; }

    /// <summary>AES-256 key as base64 text (for a secret store feeding the environment).</summary>
    public string? Key { get; set; }

    /// <summary>RSA key as PEM: a public key alone (public-key-only mode, no playback) or a private key.</summary>
    public string? RsaKeyFile { get; set; }
}
