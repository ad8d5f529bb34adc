namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// What <see cref="RecordingEncryptor"/> stored: the manifest's encryption section, and the SHA-256 and size of the
/// ciphertext file as written (the manifest's <c>sha256</c> and <c>sizeBytes</c>, hashed while writing, not read back).
/// </summary>
internal sealed record SealedAudio(RecordingEncryptionInfo Encryption, string Sha256, long SizeBytes);
