using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): the 128-bit counter block is the IV with the block number in
/// its last 16 bits; the keystream is those blocks encrypted with AES (ECB over the counter blocks, one call per packet) and XORed with the
/// data.
/// </summary>
/// <remarks>
/// Made once per key with buffers for <c>maxLength</c> bytes, so <see cref="Transform"/> allocates nothing. Not
/// thread-safe: one receive thread at a time (the leg's lock).
/// </remarks>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;

    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private readonly byte[] _counterBlocks;
    private readonly byte[] _keystream;

    public AesCounterMode(ReadOnlySpan<byte> key, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;

        // One transform kept for the key: Aes.EncryptEcb makes a native cipher context per call (64 bytes allocated
        // per packet, measured by SrtpAllocationTests); TransformBlock on a kept ECB encryptor reuses its context.
        _encryptor = _aes.CreateEncryptor();
        var blocks = (maxLength + BlockSize - 1) / BlockSize;
        _counterBlocks = new byte[blocks * BlockSize];
        _keystream = new byte[blocks * BlockSize];
    }

    /// <summary>The most bytes one call can transform.</summary>
    public int MaxLength => _keystream.Length;

    /// <summary>
    /// XORs <paramref name="input"/> with the keystream that starts at <paramref name="iv"/> (16 bytes, its last two
    /// zero: RFC 3711 §4.1.1 leaves them to the block counter) into <paramref name="output"/> (same length; may be the
    /// same memory).
    /// </summary>
    public void Transform(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (iv.Length != BlockSize || input.Length > _keystream.Length || output.Length < input.Length)
        {
            throw new ArgumentException("IV, input or output of the wrong size");
        }

        if (input.IsEmpty)
        {
            return;
        }

        var blocks = (input.Length + BlockSize - 1) / BlockSize;
        var counters = _counterBlocks.AsSpan(0, blocks * BlockSize);
        var counterBase = BinaryPrimitives.ReadUInt16BigEndian(iv[14..]);
        for (var j = 0; j < blocks; j++)
        {
            var block = counters.Slice(j * BlockSize, BlockSize);
            iv.CopyTo(block);

            // RFC 3711 §4.1.1: the 16-bit block counter; a 1500-byte packet needs 94 blocks, far below the 2^16 limit.
            BinaryPrimitives.WriteUInt16BigEndian(block[14..], (ushort)(counterBase + j));
        }

        var keystream = _keystream.AsSpan(0, counters.Length);
        _encryptor.TransformBlock(_counterBlocks, 0, counters.Length, _keystream, 0);
        for (var i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
    }
}
