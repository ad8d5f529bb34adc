using System.Buffers.Binary;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>
/// A small, strict Ogg reader for the tests (RFC 3533), written apart from the production writer: it checks the
/// capture pattern, version and CRC of every page (with <see cref="BitwiseOggCrc"/>) and reassembles packets
/// across pages and continuation flags.
/// </summary>
internal static class OggTestReader
{
    public static List<OggPage> ReadPages(byte[] data)
    {
        var pages = new List<OggPage>();
        var offset = 0;
        while (offset < data.Length)
        {
            Assert.True(data.Length - offset >= 27, $"truncated page header at {offset}");
            var header = data.AsSpan(offset);
            Assert.True(header[..4].SequenceEqual("OggS"u8), $"no capture pattern at {offset}");
            var segments = header[26];
            var lacing = header.Slice(27, segments).ToArray();
            var bodyLength = lacing.Sum(l => l);
            var pageLength = 27 + segments + bodyLength;
            Assert.True(data.Length - offset >= pageLength, $"truncated page body at {offset}");

            var page = data.AsSpan(offset, pageLength).ToArray();
            var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(22));
            page.AsSpan(22, 4).Clear();
            Assert.Equal(BitwiseOggCrc.Compute(page), storedCrc);

            pages.Add(new OggPage(
                header[4],
                header[5],
                BinaryPrimitives.ReadInt64LittleEndian(header[6..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[14..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[18..]),
                storedCrc,
                lacing,
                data.AsSpan(offset + 27 + segments, bodyLength).ToArray()));
            offset += pageLength;
        }

        return pages;
    }

    /// <summary>Packets in order, each with the index of the page on which it ends.</summary>
    public static List<(byte[] Packet, int PageIndex)> ReadPackets(IReadOnlyList<OggPage> pages)
    {
        var packets = new List<(byte[], int)>();
        var current = new List<byte>();
        var inPacket = false;
        for (var p = 0; p < pages.Count; p++)
        {
            var page = pages[p];
            Assert.Equal(inPacket, page.IsContinuation);
            var position = 0;
            foreach (var lacing in page.LacingValues)
            {
                current.AddRange(page.Body.AsSpan(position, lacing).ToArray());
                position += lacing;
                inPacket = true;
                if (lacing < 255)
                {
                    packets.Add((current.ToArray(), p));
                    current.Clear();
                    inPacket = false;
                }
            }
        }

        Assert.False(inPacket, "the stream ends inside a packet");
        return packets;
    }
}
