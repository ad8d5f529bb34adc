using System.Buffers.Binary;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>Builds RTP datagrams for tests (RFC 3550 §5.1 layout).</summary>
internal static class RtpPacketWriter
{
    public static byte[] Build(
        int payloadType,
        ushort sequenceNumber,
        uint timestamp,
        uint ssrc,
        ReadOnlySpan<byte> payload,
        bool marker = false,
        uint[]? csrcs = null,
        byte[]? extension = null,
        int padding = 0)
    {
        csrcs ??= [];
        var extensionLength = extension is null ? 0 : 4 + extension.Length;
        var datagram = new byte[12 + (4 * csrcs.Length) + extensionLength + payload.Length + padding];
        datagram[0] = (byte)(0x80 | (padding > 0 ? 0x20 : 0) | (extension is null ? 0 : 0x10) | csrcs.Length);
        datagram[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(8), ssrc);
        var offset = 12;
        foreach (var csrc in csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(offset), csrc);
            offset += 4;
        }

        if (extension is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(offset), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(offset + 2), (ushort)(extension.Length / 4));
            extension.CopyTo(datagram.AsSpan(offset + 4));
            offset += 4 + extension.Length;
        }

        payload.CopyTo(datagram.AsSpan(offset));
        if (padding > 0)
        {
            datagram[^1] = (byte)padding;
        }

        return datagram;
    }
}
