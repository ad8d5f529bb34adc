namespace OrleansRecorder.Abstractions.Calls;

/// <summary>Where a recorded call stands.</summary>
public enum LiveCallState
{
    /// <summary>Audio is being written.</summary>
    Recording = 0,

    /// <summary>An operator paused the recording (PCI DSS): nothing is written, the pause is silence in the file.</summary>
    Paused = 1,

    /// <summary>Every open leg is on hold (CUCM sent <c>a=inactive</c> or <c>recvonly</c>).</summary>
    Held = 2,

    /// <summary>Every leg ended; the recording is finalized or being finalized.</summary>
    Ended = 3,
}
