namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// The signature of a manifest and its place in the signing node's chain of recordings (docs/TAMPER_EVIDENCE.md).
/// </summary>
internal sealed record ManifestSeal
{
    /// <summary>Format of the signed message: 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The signing key (<see cref="SigningKeySet.KeyIdOf"/>); the chain is this key's.</summary>
    public required string KeyId { get; init; }

    /// <summary>The node that wrote and signed the manifest.</summary>
    public required string Node { get; init; }

    /// <summary>1, 2, ...: the recording's place in its key's chain.</summary>
    public required long Seq { get; init; }

    /// <summary>The link (hex SHA-256 of the signed message) of the chain's previous recording; 64 zeros for the first.</summary>
    public required string Prev { get; init; }

    /// <summary>The id of the chain's previous recording (null for the first), so a removed one can be named.</summary>
    public string? PrevId { get; init; }

    /// <summary>ECDSA P-256 / SHA-256 signature of the signed message, r ‖ s (IEEE P1363), base64.</summary>
    public required string Signature { get; init; }
}
