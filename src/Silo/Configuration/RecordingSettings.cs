namespace OrleansRecorder.Silo.Configuration;

/// <summary>How recordings are written.</summary>
internal sealed class RecordingSettings
{
    /// <summary><c>wav</c> (what this release writes) or <c>opus</c> (planned, issue #4).</summary>
    public string Format { get; set; } = "wav";

    /// <summary>Below this much free space in the data directory the node answers 503.</summary>
    public long MinFreeBytes { get; set; } = 200L * 1024 * 1024;
}
