using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

public sealed class RtpPacketTests
{
    private static readonly byte[] Payload = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void ParsesFixedHeader()
    {
        var datagram = RtpPacketWriter.Build(8, 0xBEEF, 0xDEADBEEF, 0x01020304, Payload, marker: true);

        Assert.True(RtpPacket.TryParse(datagram, out var packet));

        Assert.True(packet.Marker);
        Assert.Equal(8, packet.PayloadType);
        Assert.Equal(0xBEEF, packet.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, packet.Timestamp);
        Assert.Equal(0x01020304u, packet.Ssrc);
        Assert.Equal(0, packet.CsrcCount);
        Assert.Equal(Payload, packet.Payload.ToArray());
    }

    [Fact]
    public void SkipsCsrcsExtensionAndPadding()
    {
        var datagram = RtpPacketWriter.Build(0, 1, 2, 3, Payload, csrcs: [10, 11, 12], extension: [9, 9, 9, 9, 9, 9, 9, 9], padding: 3);

        Assert.True(RtpPacket.TryParse(datagram, out var packet));

        Assert.False(packet.Marker);
        Assert.Equal(3, packet.CsrcCount);
        Assert.Equal(Payload, packet.Payload.ToArray());
    }

    [Fact]
    public void PaddingCanLeaveAnEmptyPayload()
    {
        var datagram = RtpPacketWriter.Build(0, 1, 2, 3, [], padding: 4);

        Assert.True(RtpPacket.TryParse(datagram, out var packet));
        Assert.Equal(0, packet.Payload.Length);
    }

    [Fact]
    public void RejectsVersionOtherThanTwo()
    {
        var datagram = RtpPacketWriter.Build(0, 1, 2, 3, Payload);
        datagram[0] = (byte)((datagram[0] & 0x3F) | 0x40);

        Assert.False(RtpPacket.TryParse(datagram, out _));
    }

    [Fact]
    public void RejectsEveryTruncation()
    {
        var datagram = RtpPacketWriter.Build(0, 1, 2, 3, Payload, csrcs: [10, 11], extension: [9, 9, 9, 9]);
        const int headerLength = 12 + 8 + 8;

        for (var length = 0; length < headerLength; length++)
        {
            Assert.False(RtpPacket.TryParse(datagram.AsSpan(0, length), out _), $"length {length}");
        }

        Assert.True(RtpPacket.TryParse(datagram.AsSpan(0, headerLength), out var empty));
        Assert.Equal(0, empty.Payload.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(200)]
    public void RejectsBadPaddingCount(byte count)
    {
        var datagram = RtpPacketWriter.Build(0, 1, 2, 3, Payload, padding: 1);
        datagram[^1] = count;

        Assert.False(RtpPacket.TryParse(datagram, out _));
    }
}
