using NAudio.Codecs;

namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>G.711 µ-law (PT 0): one sample per byte, through NAudio's table.</summary>
internal sealed class PcmuDecoder : IAudioDecoder
{
    public int SampleRate => 8000;

    public int GetSampleCount(int payloadLength) => payloadLength;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pcm.Length, payload.Length);
        for (var i = 0; i < payload.Length; i++)
        {
            pcm[i] = MuLawDecoder.MuLawToLinearSample(payload[i]);
        }

        return payload.Length;
    }
}
