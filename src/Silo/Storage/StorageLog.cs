namespace OrleansRecorder.Silo.Storage;

/// <summary>Deletion and tombstone logs (EventIds 12000–12099).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(12000, LogLevel.Information, "Recording {RecordingId} removed from the cluster ({Reason})")]
    public static partial void Removed(ILogger logger, string recordingId, string reason);

    [LoggerMessage(12001, LogLevel.Warning, "Recording {RecordingId}: node {Node} did not delete its copy now; its sweeper will")]
    public static partial void PeerDeleteFailed(ILogger logger, string recordingId, string node, Exception exception);

    [LoggerMessage(12002, LogLevel.Warning, "Recording {RecordingId}: the shared store did not delete its copy now; a sweeper will")]
    public static partial void SharedDeleteFailed(ILogger logger, string recordingId, Exception exception);

    [LoggerMessage(12003, LogLevel.Information, "Deleted tombstoned recording {RecordingId} from the {Store} store")]
    public static partial void Swept(ILogger logger, string recordingId, string store);

    [LoggerMessage(12004, LogLevel.Warning, "Tombstone sweep failed; retrying next period")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(12005, LogLevel.Warning, "Recording {RecordingId}: the copy at {Location} was not recorded ({Change}); the next catch-up pass records it")]
    public static partial void ReplicaNotRecorded(ILogger logger, string recordingId, string location, string change, Exception exception);

    [LoggerMessage(12006, LogLevel.Warning, "Mending the replica table failed; the next pass tries again")]
    public static partial void MendFailed(ILogger logger, Exception exception);
}
