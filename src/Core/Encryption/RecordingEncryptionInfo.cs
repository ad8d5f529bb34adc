namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// The manifest's <c>encryption</c> part: the stored audio is <see cref="Scheme"/> ciphertext; the plaintext's size and
/// SHA-256 let a decrypted copy (an export) be checked against the signed manifest. The wrapped data key is not here:
/// it lives in the catalog only, so erasing it there makes every copy of the file unreadable.
/// </summary>
internal sealed record RecordingEncryptionInfo
{
    public const string SegmentedAesGcm = "ORAE1-AES256GCM";

    public string Scheme { get; init; } = SegmentedAesGcm;

    public int SegmentSize { get; init; } = SegmentedAeadHeader.DefaultSegmentSize;

    public required long PlainSizeBytes { get; init; }

    /// <summary>SHA-256 of the decrypted audio, lower-case hex.</summary>
    public required string PlainSha256 { get; init; }
}
