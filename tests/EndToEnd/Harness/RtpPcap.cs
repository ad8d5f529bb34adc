using System.Buffers.Binary;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// Writes RTP packets into a libpcap file (Ethernet, IPv4, UDP on loopback) for sipp's <c>play_pcap_audio</c>, which
/// replays the UDP payloads to the negotiated media address with the pcap's own timing, sequence numbers and timestamps.
/// The way to feed sipp codecs its <c>rtp_stream</c> does not know (G.722, G.729, Opus).
/// </summary>
internal static class RtpPcap
{
    /// <param name="path">The pcap to write.</param>
    /// <param name="payloadType">RTP payload type.</param>
    /// <param name="payloads">One payload per packet, sent every <paramref name="packetMilliseconds"/>.</param>
    /// <param name="timestampStep">RTP timestamp units per packet (the codec's clock: 8000, 48000 for Opus).</param>
    /// <param name="packetMilliseconds">Packet interval.</param>
    public static void Write(string path, int payloadType, IReadOnlyList<byte[]> payloads, uint timestampStep, int packetMilliseconds = 20)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // LINKTYPE_ETHERNET
        file.Write(header);

        var ssrc = (uint)Random.Shared.Next();
        Span<byte> record = stackalloc byte[16];
        for (var i = 0; i < payloads.Count; i++)
        {
            var payload = payloads[i];
            var rtpLength = 12 + payload.Length;
            var frame = new byte[14 + 20 + 8 + rtpLength];

            // Ethernet: zero addresses, IPv4.
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);

            // IPv4 127.0.0.1 → 127.0.0.1, UDP.
            var ip = frame.AsSpan(14, 20);
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + rtpLength));
            ip[8] = 64;
            ip[9] = 17;
            ip[12] = 127;
            ip[15] = 1;
            ip[16] = 127;
            ip[19] = 1;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));

            var udp = frame.AsSpan(34, 8);
            BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 40002);
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + rtpLength));

            var rtp = frame.AsSpan(42);
            rtp[0] = 0x80;
            rtp[1] = (byte)(payloadType | (i == 0 ? 0x80 : 0));
            BinaryPrimitives.WriteUInt16BigEndian(rtp[2..], (ushort)(1000 + i));
            BinaryPrimitives.WriteUInt32BigEndian(rtp[4..], (uint)(i * timestampStep));
            BinaryPrimitives.WriteUInt32BigEndian(rtp[8..], ssrc);
            payload.CopyTo(rtp[12..]);

            var micros = (long)i * packetMilliseconds * 1000;
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(micros / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
            file.Write(record);
            file.Write(frame);
        }
    }

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
