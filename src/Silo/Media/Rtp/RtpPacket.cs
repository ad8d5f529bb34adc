using System.Buffers.Binary;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// A read-only view of one RTP packet (RFC 3550 §5.1) over the datagram's bytes; parsing allocates nothing.
/// </summary>
/// <remarks>Valid only as long as the datagram buffer it was parsed from is not reused.</remarks>
internal readonly ref struct RtpPacket
{
    public const int FixedHeaderLength = 12;
    private const int SupportedVersion = 2;

    private RtpPacket(bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, int csrcCount, ReadOnlySpan<byte> payload)
    {
        Marker = marker;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        CsrcCount = csrcCount;
        Payload = payload;
    }

    public bool Marker { get; }

    public byte PayloadType { get; }

    public ushort SequenceNumber { get; }

    public uint Timestamp { get; }

    public uint Ssrc { get; }

    public int CsrcCount { get; }

    /// <summary>The payload, without CSRCs, header extension and padding.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Parses an RTP datagram; false for anything that is not a well-formed RTP version 2 packet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out RtpPacket packet)
    {
        packet = default;
        if (datagram.Length < FixedHeaderLength)
        {
            return false;
        }

        // RFC 3550 §5.1: V(2) P(1) X(1) CC(4) | M(1) PT(7) | sequence number(16) | timestamp(32) | SSRC(32) | CSRC list.
        var first = datagram[0];
        if (first >> 6 != SupportedVersion)
        {
            return false;
        }

        var hasPadding = (first & 0x20) != 0;
        var hasExtension = (first & 0x10) != 0;
        var csrcCount = first & 0x0F;
        var second = datagram[1];

        var offset = FixedHeaderLength + (4 * csrcCount);
        if (offset > datagram.Length)
        {
            return false;
        }

        if (hasExtension)
        {
            // RFC 3550 §5.3.1: 16-bit profile-defined field, 16-bit length in 32-bit words excluding this 4-byte header.
            if (offset + 4 > datagram.Length)
            {
                return false;
            }

            var extensionWords = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(offset + 2, 2));
            offset += 4 + (4 * extensionWords);
            if (offset > datagram.Length)
            {
                return false;
            }
        }

        var end = datagram.Length;
        if (hasPadding)
        {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included, so it is at least 1.
            int paddingLength = datagram[^1];
            if (paddingLength == 0 || end - paddingLength < offset)
            {
                return false;
            }

            end -= paddingLength;
        }

        packet = new RtpPacket(
            (second & 0x80) != 0,
            (byte)(second & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2, 2)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4, 4)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(8, 4)),
            csrcCount,
            datagram[offset..end]);
        return true;
    }
}
