namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// G.729 Annex A/B (PT 18) through libbcg729: each 10-byte frame is 10 ms, 80 samples at 8 kHz; a payload carries any
/// number of them, optionally followed by one 2-byte Annex B SID frame (RFC 3551 §4.5.6).
/// </summary>
/// <remarks>
/// <para>The decoder context carries the speech state between packets, so one instance serves exactly one leg.</para>
/// <para>Comfort noise (Annex B): a SID frame updates the noise parameters and decodes to 10 ms of noise; the frames the
/// sender then leaves out (DTX) are asked from the decoder as erased frames, which bcg729 fills with comfort noise while
/// its last frame was a SID (and with concealment after speech), see <see cref="Conceal"/>.</para>
/// <para>No allocation per call: the payload and output spans are pinned for the native call.</para>
/// </remarks>
internal sealed unsafe class G729Decoder : IAudioDecoder, IDisposable
{
    /// <summary>RFC 3551 §4.5.6: one G.729 frame, 10 ms.</summary>
    public const int FrameBytes = 10;

    /// <summary>RFC 3551 §4.5.6: the Annex B silence insertion descriptor.</summary>
    public const int SidFrameBytes = 2;

    public const int FrameSamples = 80;

    private readonly Bcg729DecoderHandle _context = new();
    private bool _inComfortNoise;

    public int SampleRate => 8000;

    public bool InComfortNoise => _inComfortNoise;

    /// <summary>Annex B SID frames decoded (each also 10 ms of comfort noise).</summary>
    public long SidFrames { get; private set; }

    public int GetSampleCount(int payloadLength) => ((payloadLength / FrameBytes) + (payloadLength % FrameBytes == SidFrameBytes ? 1 : 0)) * FrameSamples;

    /// <returns>The samples written; 0 when the length is not whole frames plus at most one SID (RFC 3551 §4.5.6): malformed.</returns>
    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        var frames = payload.Length / FrameBytes;
        var rest = payload.Length % FrameBytes;
        if (payload.IsEmpty || (rest != 0 && rest != SidFrameBytes))
        {
            return 0;
        }

        var samples = GetSampleCount(payload.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(pcm.Length, samples);
        var handle = _context.DangerousGetHandle();
        fixed (byte* input = payload)
        fixed (short* output = pcm)
        {
            for (var i = 0; i < frames; i++)
            {
                Bcg729Library.Api.Decode(handle, input + (i * FrameBytes), FrameBytes, 0, 0, 0, output + (i * FrameSamples));
            }

            _inComfortNoise = false;
            if (rest == SidFrameBytes)
            {
                // RFC 3551 §4.5.6: the SID frame comes last; it sets the comfort-noise level and spectrum.
                Bcg729Library.Api.Decode(handle, input + (frames * FrameBytes), SidFrameBytes, 0, 1, 0, output + (frames * FrameSamples));
                _inComfortNoise = true;
                SidFrames++;
            }
        }

        return samples;
    }

    /// <summary>Whole 10 ms frames of comfort noise (after a SID) or concealment (after speech), as many as fit.</summary>
    public int Conceal(Span<short> pcm)
    {
        var frames = pcm.Length / FrameSamples;
        var handle = _context.DangerousGetHandle();
        fixed (short* output = pcm)
        {
            for (var i = 0; i < frames; i++)
            {
                Bcg729Library.Api.Decode(handle, null, 0, 1, 0, 0, output + (i * FrameSamples));
            }
        }

        return frames * FrameSamples;
    }

    public void Dispose() => _context.Dispose();
}
