namespace OrleansRecorder.Silo.Storage;

/// <summary>In-call replication logs (EventIds 11100–11199, in the replication range).</summary>
internal static partial class LiveCopyLog
{
    [LoggerMessage(11100, LogLevel.Warning, "Segments of call {RecordingId} not copied to {Node} this round; retried from where it stopped")]
    public static partial void ShipFailed(ILogger logger, string recordingId, string node, Exception exception);

    [LoggerMessage(11101, LogLevel.Warning, "In-call replication round failed")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(11102, LogLevel.Warning, "Node {SourceNode} is dead: call {RecordingId} finalized here from its copy as interrupted ({DurationSeconds:F1} s of audio)")]
    public static partial void TookOver(ILogger logger, string recordingId, string sourceNode, double durationSeconds);
}
