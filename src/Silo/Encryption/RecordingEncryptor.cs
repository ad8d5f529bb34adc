using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// Seals a finalized audio file: a fresh 256-bit data key, the file rewritten as segmented AES-256-GCM, the data key
/// wrapped by the active KEK and left in <see cref="DataKeyEscrow"/> for the catalog. The plaintext never leaves the node.
/// </summary>
internal sealed class RecordingEncryptor(KeyRing keys)
{
    public KeyRing Keys { get; } = keys;

    /// <summary>Replaces <paramref name="audioPath"/> (a plain temporary file) with its ciphertext.</summary>
    public async Task<RecordingEncryptionInfo> SealAsync(string audioPath, string dataDirectory, string recordingId, CancellationToken cancellationToken)
    {
        await using var plain = Recording.SegmentFile.OpenRead(audioPath, key: null);
        var sealedAudio = await SealAsync(plain, plain.Length, audioPath + ".enc", audioPath, dataDirectory, recordingId, cancellationToken);
        return sealedAudio.Encryption;
    }

    /// <summary>
    /// Encrypts <paramref name="length"/> bytes of <paramref name="plain"/> into <paramref name="encryptedPath"/>,
    /// hashing the ciphertext as it is written, makes it durable, escrows the wrapped data key, and renames the
    /// ciphertext to <paramref name="destinationPath"/>: the finalizer's one file for the recording's audio.
    /// </summary>
    public async Task<SealedAudio> SealAsync(Stream plain, long length, string encryptedPath, string destinationPath, string dataDirectory, string recordingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            string plainSha256, sha256;
            long size;
            await using (var output = new FileStream(encryptedPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            await using (var stored = new Recording.HashingWriteStream(output))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await SegmentedAeadWriter.EncryptAsync(plain, length, stored, dataKey, cancellationToken, hash);
                plainSha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
                output.Flush(flushToDisk: true);
                (sha256, size) = (stored.Sha256(), stored.Position);
            }

            // The key is safe on disk before the ciphertext takes the audio's place: no file without its key.
            DataKeyEscrow.Write(dataDirectory, recordingId, Keys.Wrap(dataKey));
            File.Move(encryptedPath, destinationPath, overwrite: true);
            return new SealedAudio(new RecordingEncryptionInfo { PlainSizeBytes = length, PlainSha256 = plainSha256 }, sha256, size);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
