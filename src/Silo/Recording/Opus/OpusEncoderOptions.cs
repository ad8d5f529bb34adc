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

    /// <summary>
    /// Skip the encoder for a channel's quiet frames (a concealment frame instead, <see cref="OpusFrameEncoder"/> says
    /// why). On by default: it halves the encoding of a two-party call, whose channels each listen about half the time.
    /// </summary>
    public bool SilenceGate { get; set; } = true;

    /// <summary>
    /// A frame is quiet when no sample exceeds this level, in dB below a full-scale sample (dBov): −60 dBov is a peak of
    /// 32 in 16-bit PCM, four steps of G.711 µ-law near zero, i.e. digital silence, an idle or muted line, hold and the
    /// recorder's own fills. A talker's quietest syllables sit 30 dB or more above it.
    /// </summary>
    public double SilenceGateDbov { get; set; } = -60;

    /// <summary>
    /// Quiet frames still encoded before the gate closes: 10 × 20 ms, libopus' own DTX hangover. The decoder conceals
    /// a skipped frame with comfort noise it learns from the frames it decoded last; measured on a tone that stops
    /// (OpusSilenceGateTests), 3 frames left it playing the tone's noise floor at −50 dBov, 5 at −61, 10 below −70.
    /// </summary>
    public int SilenceHangoverFrames { get; set; } = 10;

    /// <summary>The lowest bitrate libopus accepts.</summary>
    public const int MinBitrate = 6_000;

    /// <summary>The largest 16-bit sample magnitude at or below <paramref name="dbov"/>.</summary>
    public static int PeakOf(double dbov) => (int)Math.Floor(32768 * Math.Pow(10, dbov / 20));

    /// <summary>Throws when a value is outside what libopus accepts.</summary>
    public void Validate()
    {
        if (Bitrate is < MinBitrate or > 510_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Bitrate), Bitrate, "The Opus bitrate must be between 6000 and 510000 bit/s.");
        }

        if (Complexity is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Complexity), Complexity, "The Opus complexity must be between 0 and 10.");
        }

        if (SilenceGateDbov is < -96 or > -20 || double.IsNaN(SilenceGateDbov))
        {
            throw new ArgumentOutOfRangeException(nameof(SilenceGateDbov), SilenceGateDbov, "The silence gate must be between -96 and -20 dBov.");
        }

        if (SilenceHangoverFrames is < 1 or > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(SilenceHangoverFrames), SilenceHangoverFrames, "The silence gate's hangover must be 1 to 50 frames.");
        }
    }
}
