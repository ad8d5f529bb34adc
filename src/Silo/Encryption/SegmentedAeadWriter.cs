using System.Buffers;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// Encrypts a stream of known length into the segmented AES-256-GCM format (<see cref="SegmentedAeadHeader"/>).
/// Hand-written because no served package implements a random-access streaming AEAD file format (SECURE_MEDIA.md §5).
/// </summary>
internal static class SegmentedAeadWriter
{
    public static async Task EncryptAsync(Stream plaintext, long length, Stream output, ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken, IncrementalHash? plaintextHash = null, int segmentSize = SegmentedAeadHeader.DefaultSegmentSize)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        var header = SegmentedAeadHeader.Create(length, segmentSize);
        var aad = header.ToBytes();
        await output.WriteAsync(aad, cancellationToken);
        var plain = ArrayPool<byte>.Shared.Rent(segmentSize);
        var cipher = ArrayPool<byte>.Shared.Rent(segmentSize + SegmentedAeadHeader.TagSize);
        try
        {
            using var gcm = new AesGcm(dataKey.Span, SegmentedAeadHeader.TagSize);
            var nonce = new byte[SegmentedAeadHeader.NonceSize];
            for (long index = 0; index < header.SegmentCount; index++)
            {
                var count = header.PlainSegmentLength(index);
                await plaintext.ReadExactlyAsync(plain.AsMemory(0, count), cancellationToken);
                plaintextHash?.AppendData(plain, 0, count);
                header.Nonce(index, nonce);
                gcm.Encrypt(nonce, plain.AsSpan(0, count), cipher.AsSpan(0, count), cipher.AsSpan(count, SegmentedAeadHeader.TagSize), aad);
                await output.WriteAsync(cipher.AsMemory(0, count + SegmentedAeadHeader.TagSize), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            ArrayPool<byte>.Shared.Return(cipher);
        }
    }
}
