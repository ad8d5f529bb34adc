namespace OrleansRecorder.Abstractions.Calls;

/// <summary>What an operator may do to a call in progress from any node.</summary>
public enum CallControl
{
    /// <summary>Stop writing audio (PCI DSS): the pause is silence in the file and a marked interval in the manifest.</summary>
    Pause = 0,

    /// <summary>Write audio again after <see cref="Pause"/>.</summary>
    Resume = 1,

    /// <summary>End the recording: the recorder sends BYE on both legs.</summary>
    Stop = 2,
}
