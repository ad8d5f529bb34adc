using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// The append-only encrypted format of a call in progress (<c>ORSR1</c>, docs/ENCRYPTION.md): a 16-byte header (magic
/// <c>ORSR</c>, version 1, algorithm 1 = AES-256-GCM, two zero bytes, an 8-byte random nonce prefix), then records of
/// <c>uint32 length ‖ ciphertext ‖ tag(16)</c>, one per flush. Record i's nonce is <c>prefix ‖ uint32 i</c>; its
/// associated data is the header, its length and the file's name, so a record moved, reordered, resized or a file
/// renamed (near and far end swapped) fails its tag.
/// </summary>
/// <remarks>
/// Unlike the finalized format (<see cref="SegmentedAeadHeader"/>) the length of the whole is not in the header: the
/// file grows while the call lasts and a peer copies it as opaque appended bytes (in-call replication), so nothing
/// already written is ever rewritten.
/// </remarks>
internal static class SegmentRecordHeader
{
    public const int Size = 16;
    public const int NoncePrefixSize = 8;
    public const int LengthSize = 4;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const byte Version = 1;
    public const byte AesGcm256 = 1;

    /// <summary>A record's buffer: 32 KiB, a pooled size, so one second of 16 kHz PCM16 (32,000 bytes) fits one record.</summary>
    public const int RecordBufferSize = 32 * 1024;

    /// <summary>The most plaintext one record holds (even: a record never splits a PCM16 sample).</summary>
    public const int MaxRecordPlaintext = RecordBufferSize - LengthSize - TagSize;

    private static ReadOnlySpan<byte> Magic => "ORSR"u8;

    /// <summary>A new header with a random nonce prefix.</summary>
    public static byte[] Create()
    {
        var header = new byte[Size];
        Magic.CopyTo(header);
        header[4] = Version;
        header[5] = AesGcm256;
        RandomNumberGenerator.Fill(header.AsSpan(Size - NoncePrefixSize));
        return header;
    }

    /// <summary>Checks a header read from <paramref name="fileName"/>; a clear error when it is not one of ours.</summary>
    public static void Validate(ReadOnlySpan<byte> header, string fileName)
    {
        if (header.Length < Size || !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new RecordingTamperedException($"Segment '{fileName}' is not an encrypted segment (no ORSR header) although its call's segments are encrypted.");
        }

        if (header[4] != Version || header[5] != AesGcm256 || header[6] != 0 || header[7] != 0)
        {
            throw new RecordingTamperedException($"Segment '{fileName}' has an unknown header (version {header[4]}, algorithm {header[5]}).");
        }
    }

    /// <summary>The associated data buffer: header ‖ length (filled per record by <see cref="SetLength"/>) ‖ file name.</summary>
    public static byte[] AssociatedData(ReadOnlySpan<byte> header, string fileName)
    {
        var name = Encoding.UTF8.GetBytes(fileName);
        var aad = new byte[Size + LengthSize + name.Length];
        header[..Size].CopyTo(aad);
        name.CopyTo(aad.AsSpan(Size + LengthSize));
        return aad;
    }

    public static void SetLength(Span<byte> associatedData, int length) =>
        BinaryPrimitives.WriteUInt32BigEndian(associatedData[Size..], (uint)length);

    /// <summary>The nonce of record <paramref name="index"/> into <paramref name="nonce"/> (12 bytes).</summary>
    public static void Nonce(ReadOnlySpan<byte> header, uint index, Span<byte> nonce)
    {
        header.Slice(Size - NoncePrefixSize, NoncePrefixSize).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixSize..], index);
    }
}
