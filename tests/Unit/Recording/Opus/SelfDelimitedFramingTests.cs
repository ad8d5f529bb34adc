using Concentus;
using Concentus.Enums;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

public sealed class SelfDelimitedFramingTests
{
    [Theory]
    [InlineData(0, new byte[] { 0 })]
    [InlineData(251, new byte[] { 251 })]
    [InlineData(252, new byte[] { 252, 0 })]
    [InlineData(255, new byte[] { 255, 0 })]
    [InlineData(256, new byte[] { 252, 1 })]
    [InlineData(1275, new byte[] { 255, 255 })]
    public void FrameLengthsBelow252TakeOneByteAndTheRestTwoAsRfc6716Section3_2_1Says(int length, byte[] expected)
    {
        var buffer = new byte[2];
        var written = SelfDelimitedFraming.WriteLength(length, buffer);

        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(written, SelfDelimitedFraming.ReadLength(buffer, out var read));
        Assert.Equal(length, read);
    }

    [Fact]
    public void EveryLengthUpToTheFrameLimitRoundTrips()
    {
        var buffer = new byte[2];
        for (var length = 0; length <= SelfDelimitedFraming.MaxFrameBytes; length++)
        {
            var written = SelfDelimitedFraming.WriteLength(length, buffer);
            Assert.Equal(written, SelfDelimitedFraming.ReadLength(buffer, out var read));
            Assert.Equal(length, read);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => SelfDelimitedFraming.WriteLength(1276, buffer));
    }

    /// <summary>
    /// RFC 6716 Appendix B, for each packet code of §3.2: the self-delimited stream followed by a plain one is a
    /// multistream packet libopus' decoder accepts, and each stream decodes to what the same packet decodes to alone.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ASelfDelimitedPacketOfEachCodeDecodesInAMultistreamPacketAsItDoesAlone(int code)
    {
        var frames = EncodeFrames(2, cbr: code == 1);
        var packet = Pack(code, frames);
        var last = packet; // the last stream's packet is plain (not self-delimited), and as long as the others

        var multistream = new byte[packet.Length + last.Length + SelfDelimitedFraming.MaxOverhead];
        var written = SelfDelimitedFraming.Write(packet, multistream);
        Assert.InRange(written, packet.Length + 1, packet.Length + 2);
        last.CopyTo(multistream, written);
        multistream = multistream[..(written + last.Length)];

        var alone = DecodeMono(packet);
        var together = DecodeStreams(multistream, 2);

        Assert.Equal(code == 0 ? 160 : 320, alone.Length);
        Assert.Equal(alone, Channel(together, 0, alone.Length));
        Assert.Equal(alone, Channel(together, 1, alone.Length));
    }

    [Fact]
    public void APacketThatBreaksRfc6716Section3_4IsRefused()
    {
        var destination = new byte[64];
        Assert.Throws<InvalidDataException>(() => SelfDelimitedFraming.Write([], destination));
        Assert.Throws<InvalidDataException>(() => SelfDelimitedFraming.Write([0x01, 1, 2, 3], destination)); // R3: odd payload for code 1
        Assert.Throws<InvalidDataException>(() => SelfDelimitedFraming.Write([0x02, 9, 1], destination)); // R4: first frame too long
        Assert.Throws<InvalidDataException>(() => SelfDelimitedFraming.Write([0x03], destination)); // R6: no frame count
        Assert.Throws<InvalidDataException>(() => SelfDelimitedFraming.Write([0x03, 0x00], destination)); // R5: zero frames
        Assert.Throws<InvalidDataException>(() => SelfDelimitedFraming.Write([0x03, 0x02, 1, 2, 3], destination)); // CBR: 3 bytes in 2 frames
    }

    [Fact]
    public void AConcealmentPacketKeepsThePreviousConfigurationWithOneZeroLengthFrame()
    {
        var buffer = new byte[2];
        Assert.Equal(1, SelfDelimitedFraming.WriteConcealment(0x0B, selfDelimited: false, buffer));
        Assert.Equal(0x08, buffer[0]); // configuration 1 (SILK NB 20 ms), mono, code 0

        Assert.Equal(2, SelfDelimitedFraming.WriteConcealment(0x0B, selfDelimited: true, buffer));
        Assert.Equal([0x08, 0], buffer);
    }

    /// <summary>Frames (without their TOC) of 20 ms SILK narrowband, and the TOC's configuration byte.</summary>
    private static List<byte[]> EncodeFrames(int count, bool cbr)
    {
        var encoder = OpusCodecFactory.CreateEncoder(8000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        try
        {
            encoder.Bitrate = 8000;
            encoder.UseVBR = !cbr;
            var input = OpusTestAudio.Channel(CallAudio.Tones(count * 0.02, 300, 300), 0);
            var frames = new List<byte[]>();
            var packet = new byte[1500];
            for (var i = 0; i < count; i++)
            {
                var length = encoder.Encode(input.AsSpan(i * 160, 160), 160, packet, packet.Length);
                Assert.Equal(0, packet[0] & 3);
                frames.Add(packet[..length]);
            }

            return frames;
        }
        finally
        {
            (encoder as IDisposable)?.Dispose();
        }
    }

    /// <summary>RFC 6716 §3.2: a packet of <paramref name="code"/> over the encoder's code 0 packets (TOC first).</summary>
    private static byte[] Pack(int code, List<byte[]> packets)
    {
        var toc = (byte)((packets[0][0] & 0xFC) | code);
        var bodies = packets.Select(p => p[1..]).ToList();
        var length = new byte[2];
        List<byte> packet = [toc];
        switch (code)
        {
            case 0:
                packet.AddRange(bodies[0]);
                break;
            case 1:
                Assert.Equal(bodies[0].Length, bodies[1].Length);
                packet.AddRange(bodies[0]);
                packet.AddRange(bodies[1]);
                break;
            case 2:
                packet.AddRange(length[..SelfDelimitedFraming.WriteLength(bodies[0].Length, length)]);
                packet.AddRange(bodies[0]);
                packet.AddRange(bodies[1]);
                break;
            default:
                // VBR with three bytes of padding: the frame count byte, the padding length, the first length.
                packet.Add((byte)(0x80 | 0x40 | bodies.Count));
                packet.Add(3);
                packet.AddRange(length[..SelfDelimitedFraming.WriteLength(bodies[0].Length, length)]);
                packet.AddRange(bodies[0]);
                packet.AddRange(bodies[1]);
                packet.AddRange(new byte[3]);
                break;
        }

        return [.. packet];
    }

    private static short[] DecodeMono(byte[] packet)
    {
        var decoder = OpusCodecFactory.CreateDecoder(8000, 1);
        try
        {
            var output = new short[960];
            var samples = decoder.Decode(packet, output, 960, false);
            Assert.True(samples > 0);
            return output[..samples];
        }
        finally
        {
            (decoder as IDisposable)?.Dispose();
        }
    }

    private static short[] DecodeStreams(byte[] packet, int streams)
    {
        var decoder = OpusCodecFactory.CreateMultiStreamDecoder(8000, streams, streams, 0, [.. Enumerable.Range(0, streams).Select(i => (byte)i)]);
        try
        {
            var output = new short[960 * streams];
            var samples = decoder.DecodeMultistream(packet, output, 960, false);
            Assert.True(samples > 0, "the multistream decoder refused the packet");
            return output[..(samples * streams)];
        }
        finally
        {
            (decoder as IDisposable)?.Dispose();
        }
    }

    private static short[] Channel(short[] interleaved, int channel, int length) =>
        [.. Enumerable.Range(0, Math.Min(length, interleaved.Length / 2)).Select(i => interleaved[(2 * i) + channel])];
}
