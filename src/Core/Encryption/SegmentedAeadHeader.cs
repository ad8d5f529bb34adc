using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// The 32-byte header of an encrypted recording (docs/ENCRYPTION.md): magic <c>ORAE</c>, version 1, algorithm 1
/// (AES-256-GCM), two zero bytes, the plaintext segment size (uint32 big-endian), the plaintext length (uint64
/// big-endian), the 7-byte random nonce prefix and five zero bytes. Every segment is authenticated with the whole header
/// as associated data, so a changed length, segment size or prefix fails every segment.
/// </summary>
internal sealed record SegmentedAeadHeader(int SegmentSize, long PlaintextLength, byte[] NoncePrefix)
{
    public const int Size = 32;
    public const int NoncePrefixSize = 7;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const byte Version = 1;
    public const byte AesGcm256 = 1;

    /// <summary>64 KiB: a Range request decrypts at most one extra segment at each end, and the tag costs 0.02 %.</summary>
    public const int DefaultSegmentSize = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => "ORAE"u8;

    /// <summary>Segments in the file: at least one (an empty recording is one empty last segment).</summary>
    public long SegmentCount => Math.Max(1, (PlaintextLength + SegmentSize - 1) / SegmentSize);

    /// <summary>What the file must measure: header, plaintext, one tag per segment.</summary>
    public long FileLength => Size + PlaintextLength + (SegmentCount * TagSize);

    public static SegmentedAeadHeader Create(long plaintextLength, int segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 16);
        return new SegmentedAeadHeader(segmentSize, plaintextLength, RandomNumberGenerator.GetBytes(NoncePrefixSize));
    }

    /// <summary>True when the bytes start with the magic: an encrypted recording rather than plain audio.</summary>
    public static bool IsEncrypted(ReadOnlySpan<byte> start) => start.Length >= Magic.Length && start[..Magic.Length].SequenceEqual(Magic);

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        destination[4] = Version;
        destination[5] = AesGcm256;
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], (uint)SegmentSize);
        BinaryPrimitives.WriteUInt64BigEndian(destination[12..], (ulong)PlaintextLength);
        NoncePrefix.CopyTo(destination[20..]);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Write(bytes);
        return bytes;
    }

    /// <summary>Parses and checks the fixed fields; the header's integrity is proven only by the segments' tags.</summary>
    public static SegmentedAeadHeader Parse(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size || !IsEncrypted(source))
        {
            throw new InvalidDataException("Not an encrypted recording (no ORAE header).");
        }

        if (source[4] != Version || source[5] != AesGcm256)
        {
            throw new InvalidDataException($"Unsupported encrypted recording version {source[4]} / algorithm {source[5]}.");
        }

        var segmentSize = BinaryPrimitives.ReadUInt32BigEndian(source[8..]);
        var length = BinaryPrimitives.ReadUInt64BigEndian(source[12..]);
        if (segmentSize is < 16 or > 16 * 1024 * 1024 || length > long.MaxValue / 2)
        {
            throw new InvalidDataException("Encrypted recording header has an impossible segment size or length.");
        }

        return new SegmentedAeadHeader((int)segmentSize, (long)length, source.Slice(20, NoncePrefixSize).ToArray());
    }

    /// <summary>Nonce of segment <paramref name="index"/>: prefix, counter (uint32 big-endian), last-segment flag.</summary>
    public void Nonce(long index, Span<byte> nonce)
    {
        if (index > uint.MaxValue)
        {
            throw new InvalidDataException("Segment counter out of range.");
        }

        NoncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixSize..], (uint)index);
        nonce[NonceSize - 1] = index == SegmentCount - 1 ? (byte)1 : (byte)0;
    }

    /// <summary>Plaintext bytes in segment <paramref name="index"/>.</summary>
    public int PlainSegmentLength(long index) =>
        (int)Math.Min(SegmentSize, PlaintextLength - (index * SegmentSize));

    /// <summary>Where segment <paramref name="index"/> starts in the file.</summary>
    public long SegmentOffset(long index) => Size + (index * (SegmentSize + (long)TagSize));
}
