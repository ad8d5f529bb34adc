using NAudio.Codecs;

namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// G.722 at 64 kbit/s (PT 9) through NAudio's <see cref="G722Codec"/>: two 16 kHz samples per byte. The ADPCM state
/// carries over between packets, so one instance serves exactly one leg.
/// </summary>
/// <remarks>
/// NAudio's API takes arrays, so the payload is copied into a reused input array and decoded into a reused output array;
/// both grow only when a larger payload than ever before arrives.
/// </remarks>
internal sealed class G722Decoder : IAudioDecoder
{
    private const int BitRate = 64000;

    private readonly G722Codec _codec = new();
    private readonly G722CodecState _state = new(BitRate, G722Flags.None);
    private byte[] _input = new byte[320];
    private short[] _output = new short[640];

    public int SampleRate => 16000;

    public int GetSampleCount(int payloadLength) => payloadLength * 2;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pcm.Length, payload.Length * 2);
        if (_input.Length < payload.Length)
        {
            _input = new byte[payload.Length];
            _output = new short[payload.Length * 2];
        }

        payload.CopyTo(_input);
        var count = _codec.Decode(_state, _output, _input, payload.Length);
        _output.AsSpan(0, count).CopyTo(pcm);
        return count;
    }
}
