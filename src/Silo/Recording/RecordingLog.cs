
namespace OrleansRecorder.Silo.Recording;

/// <summary>Log messages of the recording area (EventIds 5000-5099).</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(5000, LogLevel.Error, "Writing the {Leg} segment of recording {RecordingId} failed; the rest of that leg is lost")]
    public static partial void SegmentWriteFailed(ILogger logger, string recordingId, string leg, Exception exception);

    [LoggerMessage(5001, LogLevel.Information, "Recording {RecordingId} finalized: {Status}, {DurationSeconds:F1} s, {SizeBytes} bytes at {AudioPath}")]
    public static partial void Finalized(ILogger logger, string recordingId, string status, double durationSeconds, long sizeBytes, string audioPath);

    [LoggerMessage(5002, LogLevel.Warning, "Recovered interrupted recording {RecordingId} from its segments")]
    public static partial void Recovered(ILogger logger, string recordingId);

    [LoggerMessage(5003, LogLevel.Warning, "Segment directory {Directory} has no readable session.json; moved to {OrphanedDirectory}")]
    public static partial void Orphaned(ILogger logger, string directory, string orphanedDirectory, Exception? exception);

    [LoggerMessage(5004, LogLevel.Error, "Could not recover the recording in segment directory {Directory}; left in place")]
    public static partial void RecoveryFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(5010, LogLevel.Warning, "Could not update session.json of recording {RecordingId}; the segments keep the audio")]
    public static partial void SessionStateWriteFailed(ILogger logger, string recordingId, Exception exception);

    [LoggerMessage(5040, LogLevel.Information, "Finalizations run on {Threads} dedicated threads at nice {Nice}: new calls' set-up goes first on a busy core")]
    public static partial void FinalizeWorkersStarted(ILogger logger, int threads, int nice);

    [LoggerMessage(5041, LogLevel.Warning, "Finalizations run on {Threads} dedicated threads at normal priority: {Problem}")]
    public static partial void FinalizeWorkersAtNormalPriority(ILogger logger, int threads, string problem);

    [LoggerMessage(5042, LogLevel.Debug, "{Threads} threads had inherited the finalize workers' nice {Inherited}: set back to {Normal}")]
    public static partial void InheritedNiceRepaired(ILogger logger, int threads, int inherited, int normal);

    [LoggerMessage(5043, LogLevel.Warning, "{Threads} threads (thread-pool workers started by a finalize worker) inherited its nice {Inherited} and cannot be set back ({Problem}): give the service CAP_SYS_NICE or LimitNICE=+0, or set Recorder__Recording__FinalizeNice=0")]
    public static partial void InheritedNiceNotRepaired(ILogger logger, int threads, int inherited, string problem);

    [LoggerMessage(5044, LogLevel.Warning, "Looking for threads that inherited the finalize workers' nice value failed; trying again shortly")]
    public static partial void InheritedNiceRepairFailed(ILogger logger, Exception exception);

    [LoggerMessage(5045, LogLevel.Warning, "Syncing the segments' filesystem ({Directory}) failed with errno {Error}; this round each leg is synced on its own, so a failed one is found{Permanently}")]
    public static partial void FileSystemSyncFailed(ILogger logger, string directory, int error, string permanently);

    [LoggerMessage(5046, LogLevel.Error, "Forcing the segments of recording {RecordingId} to disk failed")]
    public static partial void SegmentSyncFailed(ILogger logger, string recordingId, Exception exception);
}
