namespace OrleansRecorder.Silo.Media;

/// <summary>
/// Receives one leg's audio as 16-bit linear PCM at 8 kHz mono, in time order, with no gaps: the RTP receiver fills
/// loss, silence suppression and timestamp jumps with <see cref="WriteSilence"/> so that the sample count always
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
}
