namespace OrleansRecorder.Silo.Configuration;

/// <summary>How recordings are written.</summary>
internal sealed class RecordingSettings
{
    /// <summary><c>opus</c> (Ogg Opus, one mono stream per channel: about 6 MB per call-hour) or <c>wav</c> (PCM16, 115 MB per call-hour).</summary>
    public string Format { get; set; } = "opus";

    /// <summary>Total bitrate of the two Opus streams (bit/s).</summary>
    public int OpusBitrate { get; set; } = 16_000;

    /// <summary>Opus encoder complexity 0–10: 0 costs about 12 CPU-s per call-hour with native libopus.</summary>
    public int OpusComplexity { get; set; }

    /// <summary>Below this much free space in the data directory the node answers 503.</summary>
    public long MinFreeBytes { get; set; } = 200L * 1024 * 1024;
}
