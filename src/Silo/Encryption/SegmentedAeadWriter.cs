using System.Buffers;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// Encrypts a stream of known length into the segmented AES-256-GCM format (<see cref="SegmentedAeadHeader"/>).
/// Hand-written because no served package implements a random-access streaming AEAD file format (SECURE_MEDIA.md §5).
/// </summary>
/// <remarks>
/// One segment buffer, encrypted in place (AES-GCM allows the ciphertext over its plaintext) and written before its tag:
/// a separate ciphertext buffer of segment + tag bytes fell in the pools' 128 KiB size, on the large-object heap
/// whenever the pool had none. The buffer is rented from <see cref="LegBufferPool"/> and returned once, cleared, even when
/// reading, encrypting or writing fails.
/// </remarks>
internal static class SegmentedAeadWriter
{
    public static async Task EncryptAsync(Stream plaintext, long length, Stream output, ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken, IncrementalHash? plaintextHash = null, int segmentSize = SegmentedAeadHeader.DefaultSegmentSize,
        ArrayPool<byte>? pool = null)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        var header = SegmentedAeadHeader.Create(length, segmentSize);
        var aad = header.ToBytes();
        await output.WriteAsync(aad, cancellationToken);
        pool ??= LegBufferPool.Bytes;
        var segment = pool.Rent(segmentSize);
        try
        {
            using var gcm = new AesGcm(dataKey.Span, SegmentedAeadHeader.TagSize);
            var nonce = new byte[SegmentedAeadHeader.NonceSize];
            var tag = new byte[SegmentedAeadHeader.TagSize];
            for (long index = 0; index < header.SegmentCount; index++)
            {
                var count = header.PlainSegmentLength(index);
                await plaintext.ReadExactlyAsync(segment.AsMemory(0, count), cancellationToken);
                plaintextHash?.AppendData(segment, 0, count);
                header.Nonce(index, nonce);
                var text = segment.AsSpan(0, count);
                gcm.Encrypt(nonce, text, text, tag, aad);
                await output.WriteAsync(segment.AsMemory(0, count), cancellationToken);
                await output.WriteAsync(tag, cancellationToken);
            }
        }
        finally
        {
            // Cleared: a failure can leave plaintext in it.
            pool.Return(segment, clearArray: true);
        }
    }
}
