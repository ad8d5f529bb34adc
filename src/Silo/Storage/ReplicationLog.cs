namespace OrleansRecorder.Silo.Storage;

/// <summary>Replication logs (EventIds 11000–11999).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(11000, LogLevel.Information, "Recording {RecordingId} copied to {Target} ({Mode}, {Bytes} bytes, {ElapsedMs:F0} ms)")]
    public static partial void Copied(ILogger logger, string recordingId, string target, string mode, long bytes, double elapsedMs);

    [LoggerMessage(11001, LogLevel.Warning, "Recording {RecordingId} not copied to {Target} ({Mode})")]
    public static partial void CopyFailed(ILogger logger, string recordingId, string target, string mode, Exception exception);

    [LoggerMessage(11002, LogLevel.Warning, "Recording {RecordingId} left to catch-up after {Attempts} live attempts")]
    public static partial void GaveUp(ILogger logger, string recordingId, int attempts);

    [LoggerMessage(11003, LogLevel.Warning, "Replication queue full: recording {RecordingId} left to catch-up")]
    public static partial void QueueFull(ILogger logger, string recordingId);

    [LoggerMessage(11004, LogLevel.Information, "Catch-up pass ({Reason}): {Recordings} recordings, {Copies} copies made, {Missing} still missing somewhere, {ElapsedMs:F0} ms")]
    public static partial void PassDone(ILogger logger, string reason, int recordings, int copies, int missing, double elapsedMs);

    [LoggerMessage(11005, LogLevel.Warning, "Catch-up pass ({Reason}) failed")]
    public static partial void PassFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(11006, LogLevel.Warning, "Node {Node} did not report its inventory; skipped this pass")]
    public static partial void InventoryFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(11007, LogLevel.Warning, "Recording {RecordingId} could not be fetched from {Source}")]
    public static partial void FetchFailed(ILogger logger, string recordingId, string source, Exception exception);

    [LoggerMessage(11008, LogLevel.Information, "Replication to {Peers} and shared store {Shared}")]
    public static partial void Started(ILogger logger, string peers, bool shared);

    [LoggerMessage(11009, LogLevel.Information, "Recording {RecordingId}: live attempt {Attempt} in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, string recordingId, int attempt, TimeSpan delay);
}
