using System.Buffers.Binary;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

public sealed class OggCrcTests
{
    [Fact]
    public void MatchesTheCatalogueCheckValueOfCrc32PosixWithoutItsFinalXor()
    {
        // CRC-32/POSIX (poly 0x04C11DB7, init 0, not reflected) checks to 0x765E7680 after xor-out 0xFFFFFFFF;
        // Ogg has no xor-out.
        Assert.Equal(0x765E7680u ^ 0xFFFFFFFFu, OggCrc.Compute("123456789"u8));
        Assert.Equal(0x89A1897Fu, BitwiseOggCrc.Compute("123456789"u8));
    }

    [Fact]
    public void KnownPageChecksumEqualsTheBitwiseDefinitionAndIsWhatTheWriterStores()
    {
        // A complete BOS page carrying one 23-byte OpusHead, CRC field zeroed, built by hand.
        byte[] body = [.."OpusHead"u8, 1, 2, 0x38, 0x01, 0x40, 0x1F, 0, 0, 0, 0, 1, 2, 0, 0, 1];
        byte[] page =
        [
            .."OggS"u8, 0, 0x02,
            0, 0, 0, 0, 0, 0, 0, 0, // granule 0
            0x78, 0x56, 0x34, 0x12, // serial 0x12345678
            0, 0, 0, 0, // sequence 0
            0, 0, 0, 0, // CRC, zero while computing
            1, 23, .. body,
        ];
        var expected = BitwiseOggCrc.Compute(page);

        Assert.Equal(expected, OggCrc.Compute(page));
        Assert.Equal(expected, OggCrc.Update(OggCrc.Compute(page.AsSpan(0, 10)), page.AsSpan(10)));

        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 0x12345678);
        writer.WritePacket(body, 0);
        writer.FlushPage();
        var written = stream.ToArray();
        Assert.Equal(expected, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(22)));
        page.AsSpan(22, 4).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), expected);
        Assert.Equal(page, written);
    }

    [Fact]
    public void DiffersFromTheZlibCrc32()
    {
        // zlib's CRC-32 of "123456789" is 0xCBF43926: using it would make every page unreadable.
        Assert.NotEqual(0xCBF43926u, OggCrc.Compute("123456789"u8));
    }
}
