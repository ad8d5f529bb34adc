using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>All 256 codes of both laws against the decoding rules of ITU-T G.711 (Tables 1 and 2), written out here.</summary>
public sealed class G711DecoderTests
{
    /// <summary>
    /// G.711 µ-law: the code is transmitted with every bit inverted. Then bit 7 is the sign (0 = positive), bits 6–4 the
    /// segment e, bits 3–0 the step m. The decoded magnitude, in 14-bit units, is (2m + 33)·2^e − 33; ×4 for 16 bits.
    /// </summary>
    private static short ReferenceMuLaw(byte code)
    {
        var inverted = ~code & 0xFF;
        var segment = (inverted >> 4) & 0x07;
        var step = inverted & 0x0F;
        var magnitude = (((2 * step) + 33) << segment) - 33;
        return (short)(4 * ((inverted & 0x80) != 0 ? -magnitude : magnitude));
    }

    /// <summary>
    /// G.711 A-law: the even bits are inverted (XOR 0x55). Then bit 7 is the sign (1 = positive), bits 6–4 the segment
    /// e, bits 3–0 the step m. The decoded magnitude, in 13-bit units, is 2m + 1 in segment 0 and (2m + 33)·2^(e−1)
    /// above; ×8 for 16 bits.
    /// </summary>
    private static short ReferenceALaw(byte code)
    {
        var value = code ^ 0x55;
        var segment = (value >> 4) & 0x07;
        var step = value & 0x0F;
        var magnitude = segment == 0 ? (2 * step) + 1 : ((2 * step) + 33) << (segment - 1);
        return (short)(8 * ((value & 0x80) != 0 ? magnitude : -magnitude));
    }

    [Fact]
    public void MuLawMatchesG711ForAll256Codes()
    {
        var decoder = AudioDecoders.Create(AudioCodec.Pcmu);
        var codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var pcm = new short[256];

        Assert.Equal(256, decoder.Decode(codes, pcm));

        Assert.Equal(8000, decoder.SampleRate);
        Assert.Equal(codes.Select(ReferenceMuLaw).ToArray(), pcm);
        Assert.Equal(32124, pcm[0x80]);
        Assert.Equal(0, pcm[0xFF]);
        Assert.Equal(0, pcm[0x7F]);
    }

    [Fact]
    public void ALawMatchesG711ForAll256Codes()
    {
        var decoder = AudioDecoders.Create(AudioCodec.Pcma);
        var codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var pcm = new short[256];

        Assert.Equal(256, decoder.Decode(codes, pcm));

        Assert.Equal(8000, decoder.SampleRate);
        Assert.Equal(codes.Select(ReferenceALaw).ToArray(), pcm);
        Assert.Equal(8, pcm[0xD5]);
        Assert.Equal(32256, pcm[0xAA]);
    }
}
