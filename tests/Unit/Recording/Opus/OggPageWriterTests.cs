using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

public sealed class OggPageWriterTests
{
    [Theory]
    [InlineData(0, new byte[] { 0 })]
    [InlineData(254, new byte[] { 254 })]
    [InlineData(255, new byte[] { 255, 0 })]
    [InlineData(256, new byte[] { 255, 1 })]
    [InlineData(510, new byte[] { 255, 255, 0 })]
    public void LacesAPacketAs255sAndARemainderWithATerminatingZeroOnMultiplesOf255(int length, byte[] expectedLacing)
    {
        var packet = Pattern(length, seed: 7);
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 1);

        writer.WritePacket(packet, 960, endOfStream: true);

        var page = Assert.Single(OggTestReader.ReadPages(stream.ToArray()));
        Assert.Equal(expectedLacing, page.LacingValues);
        Assert.Equal(packet, page.Body);
        var (reassembled, _) = Assert.Single(OggTestReader.ReadPackets([page]));
        Assert.Equal(packet, reassembled);
    }

    [Fact]
    public void RoundTripsPacketsWithFlagsSequenceSerialAndMonotonicGranules()
    {
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, unchecked((int)0xCAFEBABE), maxPageBodyBytes: 1000, maxPacketsPerPage: 7);
        var sent = new List<byte[]>();
        for (var i = 0; i < 100; i++)
        {
            // Sizes 0 to 599: empty packets, one, two and three lacing values.
            var packet = Pattern((i * 97) % 600, seed: i);
            sent.Add(packet);
            writer.WritePacket(packet, (i + 1) * 960L, endOfStream: i == 99);
        }

        var pages = OggTestReader.ReadPages(stream.ToArray());
        var packets = OggTestReader.ReadPackets(pages);

        Assert.Equal(sent, packets.Select(p => p.Packet));
        Assert.True(pages.Count > 14, $"expected the thresholds to split pages, got {pages.Count}");
        Assert.All(pages, p => Assert.Equal(0, p.Version));
        Assert.All(pages, p => Assert.Equal(unchecked((int)0xCAFEBABE), p.SerialNumber));
        Assert.Equal(Enumerable.Range(0, pages.Count).Select(i => (uint)i), pages.Select(p => p.SequenceNumber));
        Assert.True(pages[0].IsBeginningOfStream);
        Assert.All(pages.Skip(1), p => Assert.False(p.IsBeginningOfStream));
        Assert.True(pages[^1].IsEndOfStream);
        Assert.All(pages.SkipLast(1), p => Assert.False(p.IsEndOfStream));
        Assert.All(pages, p => Assert.True(p.LacingValues.Length <= 255));
        Assert.All(pages, p => Assert.True(p.GranulePosition == -1 || p.Body.Length <= 1000 + 600, "page body far beyond the threshold"));

        // Each page's granule is that of the last packet ending on it.
        for (var p = 0; p < pages.Count; p++)
        {
            var lastEnding = packets.FindLastIndex(x => x.PageIndex == p);
            Assert.Equal(lastEnding < 0 ? -1 : (lastEnding + 1) * 960L, pages[p].GranulePosition);
        }

        var granules = pages.Where(p => p.GranulePosition >= 0).Select(p => p.GranulePosition).ToList();
        Assert.Equal(granules.Order(), granules);
    }

    [Fact]
    public void APacketLongerThan255SegmentsContinuesOnTheNextPageWithTheContinuationFlag()
    {
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 3);
        var big = Pattern((255 * 300) + 17, seed: 3);
        writer.WritePacket([1, 2, 3], 10);
        writer.WritePacket(big, 20);
        writer.WritePacket([4], 30, endOfStream: true);

        var pages = OggTestReader.ReadPages(stream.ToArray());
        var packets = OggTestReader.ReadPackets(pages);

        // Page 0: the small packet and the first 254 lacing values of the big one (the table is full); page 1: the
        // big packet's 47 remaining values, past the body threshold once it ends; page 2: the last packet.
        Assert.Equal(3, pages.Count);
        Assert.Equal(255, pages[0].LacingValues.Length);
        Assert.Equal(10, pages[0].GranulePosition);
        Assert.True(pages[1].IsContinuation);
        Assert.Equal(47, pages[1].LacingValues.Length);
        Assert.Equal(20, pages[1].GranulePosition);
        Assert.False(pages[2].IsContinuation);
        Assert.Equal(30, pages[2].GranulePosition);
        Assert.Equal([[1, 2, 3], big, [4]], packets.Select(p => p.Packet));
    }

    [Fact]
    public void APageEndingExactlyAtAPacketBoundaryDoesNotMarkTheNextPageAsContinuation()
    {
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 4, maxPageBodyBytes: 1 << 20, maxPacketsPerPage: 1000);

        // 85 packets of 3 lacing values (510 bytes + terminating 0) fill the table to exactly 255.
        for (var i = 0; i < 85; i++)
        {
            writer.WritePacket(Pattern(510, seed: i), i);
        }

        writer.WritePacket([9], 85, endOfStream: true);

        var pages = OggTestReader.ReadPages(stream.ToArray());
        Assert.Equal(2, pages.Count);
        Assert.Equal(84, pages[0].GranulePosition);
        Assert.False(pages[1].IsContinuation);
        Assert.Equal(86, OggTestReader.ReadPackets(pages).Count);
    }

    [Fact]
    public void FlushPageEndsThePageAndWritesNothingWhenEmpty()
    {
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 5);
        writer.FlushPage();
        Assert.Equal(0, stream.Length);

        writer.WritePacket([1], 0);
        writer.FlushPage();
        writer.FlushPage();
        writer.WritePacket([2], 0, endOfStream: true);

        var pages = OggTestReader.ReadPages(stream.ToArray());
        Assert.Equal(2, pages.Count);
        Assert.Throws<InvalidOperationException>(() => writer.WritePacket([3], 0));
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }
}
