namespace OrleansRecorder.Abstractions.Calls;

/// <summary>How a recording ended.</summary>
public enum RecordingStatus
{
    /// <summary>Both legs were recorded from answer to BYE.</summary>
    Complete = 0,

    /// <summary>Something is missing: a leg never came, media stopped (inactivity timeout) or the disk filled.</summary>
    Partial = 1,

    /// <summary>The process stopped mid-call; finalized from its segments at the next start.</summary>
    Interrupted = 2,
}
