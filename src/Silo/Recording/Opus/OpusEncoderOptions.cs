namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>How the Opus encoder is set up (settings section <c>Recorder:Recording:Opus</c> once wired).</summary>
internal sealed class OpusEncoderOptions
{
    /// <summary>
    /// Target bitrate in bit/s for the stereo stream. 16 kbit/s ≈ 7.2 MB per recorded hour of payload, comfortably
    /// under the 12 MB/h budget, and transparent enough for 8 kHz telephone speech.
    /// </summary>
    public int Bitrate { get; set; } = 16_000;

    /// <summary>
    /// Encoder complexity, 0 (cheapest) to 10. With native libopus, complexity 0 at 16 kbit/s costs about 10 CPU-s per
    /// recorded call-hour; the managed Concentus encoder costs 48–55 CPU-s per call-hour at any complexity
    /// (ARCHITECTURE.md, known pitfalls), so 0 is the default either way.
    /// </summary>
    public int Complexity { get; set; }

    /// <summary>Throws when a value is outside what libopus accepts.</summary>
    public void Validate()
    {
        if (Bitrate is < 6_000 or > 510_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Bitrate), Bitrate, "The Opus bitrate must be between 6000 and 510000 bit/s.");
        }

        if (Complexity is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Complexity), Complexity, "The Opus complexity must be between 0 and 10.");
        }
    }
}
