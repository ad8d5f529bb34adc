namespace OrleansRecorder.Silo.Configuration;

/// <summary>How recordings are written.</summary>
internal sealed class RecordingSettings
{
    /// <summary><c>opus</c> (Ogg Opus, one mono stream per channel: about 6 MB per call-hour) or <c>wav</c> (PCM16, 115 MB per call-hour).</summary>
    public string Format { get; set; } = "opus";

    /// <summary>Total bitrate of the two Opus streams (bit/s).</summary>
    public int OpusBitrate { get; set; } = 16_000;

    /// <summary>Opus encoder complexity 0–10: 0 costs about 8 CPU-s per call-hour with native libopus when every frame is encoded.</summary>
    public int OpusComplexity { get; set; }

    /// <summary>Skip the Opus encoder for a channel's quiet frames (peak at or below <see cref="OpusSilenceGateDbov"/>): about half the encoding CPU of a two-party call.</summary>
    public bool OpusSilenceGate { get; set; } = true;

    /// <summary>The level at or below which a 20 ms frame of a channel is quiet, in dBov (−60: digital silence, an idle or muted line).</summary>
    public double OpusSilenceGateDbov { get; set; } = -60;

    /// <summary>How often the segments of calls in progress are handed to the OS (what a killed process can lose).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often they are forced to disk, off the RTP path (what an OS crash can lose).</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Recordings of one CUCM call (same cluster id and refci: CUCM re-opens the recording on resume after a hold and
    /// on some transfers) are one group when each starts at most this long after the previous part ended.
    /// </summary>
    public TimeSpan GroupWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Below this much free space in the data directory the node answers 503.</summary>
    public long MinFreeBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>PCI DSS: the manifest keeps that a DTMF digit was pressed and when, not which.</summary>
    public bool MaskDtmf { get; set; }

    /// <summary>
    /// Linux nice value (0-19) of the threads that finalize ended calls, so that new calls' set-up goes first on a busy
    /// core; 0 runs them at the process's priority (still on their own threads, never the thread pool). Default 0: at 10, a core sustaining 500 renewed calls
    /// (90 % busy) starved its finalizations until the backlog cap shed 10 % of new calls (1 of 5,000 at 0); 10 helps
    /// bursts of short calls (200/s all answered instead of 85-88 %). docs/PERFORMANCE.md, "Finalization behind set-up".
    /// </summary>
    public int FinalizeNice { get; set; }

    /// <summary>Above this many recordings waiting to be finalized the node refuses new calls (503); 0: no limit.</summary>
    public int MaxFinalizeBacklog { get; set; } = 1000;
}
