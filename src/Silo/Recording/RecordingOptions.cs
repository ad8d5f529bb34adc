using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Where and how recordings are written (settings section <c>Recorder</c>).</summary>
internal sealed class RecordingOptions
{
    /// <summary>Node-local data directory: <c>segments/</c> during calls, <c>recordings/</c> once finalized.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>How often the leg segments are handed to the operating system; bounds what a killed process loses.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the segments of calls in progress are forced to disk (fsync); bounds what an OS crash loses.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Below this much free space the node refuses new calls (503).</summary>
    public long MinFreeBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Finalized audio: <c>wav</c> (stereo PCM16) or <c>opus</c> (Ogg Opus, <c>.opus</c>, <c>audio/ogg</c>).</summary>
    public string Format { get; set; } = RecordingFormats.Wav;

    /// <summary>
    /// PCI DSS: keep only that a DTMF digit was pressed and when, never which (<c>Recorder:Recording:MaskDtmf</c>).
    /// </summary>
    public bool MaskDtmf { get; set; }

    /// <summary>Encoder settings when <see cref="Format"/> is <c>opus</c>.</summary>
    public OpusEncoderOptions Opus { get; set; } = new();

    /// <summary>Seals each finalized file (docs/ENCRYPTION.md); null stores audio plain (<c>Recorder:Encryption:Enabled</c> false).</summary>
    public Encryption.RecordingEncryptor? Encryptor { get; set; }

    /// <summary>Encrypts the segments of calls in progress and unwraps their keys (docs/ENCRYPTION.md); null: plain segments (tests).</summary>
    public Encryption.SegmentKeys? SegmentKeys { get; set; }

    /// <summary>Signs each manifest and chains it (docs/TAMPER_EVIDENCE.md); null writes it unsigned (tests).</summary>
    public Integrity.ManifestSealer? Sealer { get; set; }

    /// <summary>Linux nice value of the finalize threads (<see cref="FinalizeWorkers"/>); 0: the process's priority.</summary>
    public int FinalizeNice { get; set; }

    /// <summary>Recordings waiting to be finalized above which new calls are refused (503); 0: no limit.</summary>
    public int MaxFinalizeBacklog { get; set; }
}
