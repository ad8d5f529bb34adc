namespace OrleansRecorder.Silo.Media;

/// <summary>
/// Receives one leg's audio as 16-bit linear PCM mono at the leg's rate (<see cref="OnSampleRate"/>: 8 kHz, or 16 kHz
/// for a wideband codec), in time order, with no gaps: the RTP receiver fills loss, silence suppression and timestamp
/// jumps with <see cref="WriteSilence(int, SilenceCause)"/> (or comfort noise through <see cref="Write"/>) so that the sample count always
/// equals elapsed media time.
/// </summary>
/// <remarks>
/// Called from the leg's single receive loop only (never concurrently for one sink). Implementations must not keep
/// the span after returning and must not allocate per call: this is the RTP hot path.
/// </remarks>
public interface IPcmSink
{
    /// <summary>The first audio packet of the leg arrived at <paramref name="arrivalTimestamp"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    void OnFirstPacket(long arrivalTimestamp);

    /// <summary>Decoded samples that follow the previous ones without a gap.</summary>
    void Write(ReadOnlySpan<short> samples);

    /// <summary>Silence of <paramref name="sampleCount"/> samples (loss, DTX, a timestamp jump).</summary>
    void WriteSilence(int sampleCount);

    /// <summary>
    /// <see cref="WriteSilence(int)"/> saying why, for a sink that keeps a gap ledger (the recording's leg writer); others
    /// need not tell the causes apart.
    /// </summary>
    void WriteSilence(int sampleCount, SilenceCause cause) => WriteSilence(sampleCount);

    /// <summary>
    /// The leg's sample rate, told once before the first sample (8000 unless the leg's first codec is wideband); it does
    /// not change for the leg's life (a later codec is resampled to it).
    /// </summary>
    void OnSampleRate(int sampleRate)
    {
    }

    /// <summary>
    /// An RFC 4733 telephone event (0–9, 10 = *, 11 = #, 12–15 = A–D, others) ended; it began
    /// <paramref name="sampleOffset"/> samples into the leg and lasted <paramref name="durationMilliseconds"/>. Once per
    /// event, not per packet.
    /// </summary>
    void OnTelephoneEvent(int eventCode, long sampleOffset, int durationMilliseconds)
    {
    }
}
