using NAudio.Codecs;

namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>G.711 µ-law (PT 0): one sample per byte, through NAudio's table.</summary>
/// <remarks>
/// NAudio.Core 3.3.0 decodes code 0x7F (µ-law "negative zero") to -1, where G.711 gives 0; the table copied from NAudio
/// at start-up corrects that one entry, so that silence written by a µ-law encoder is exact silence.
/// </remarks>
internal sealed class PcmuDecoder : IAudioDecoder
{
    private const byte NegativeZero = 0x7F;
    private static readonly short[] Table = CreateTable();

    public int SampleRate => 8000;

    public int GetSampleCount(int payloadLength) => payloadLength;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pcm.Length, payload.Length);
        var table = Table;
        for (var i = 0; i < payload.Length; i++)
        {
            pcm[i] = table[payload[i]];
        }

        return payload.Length;
    }

    private static short[] CreateTable()
    {
        var table = new short[256];
        for (var code = 0; code < table.Length; code++)
        {
            table[code] = MuLawDecoder.MuLawToLinearSample((byte)code);
        }

        table[NegativeZero] = 0;
        return table;
    }
}
