namespace OrleansRecorder.Silo.Catalog;

/// <summary>Catalog indexing logs (EventIds 13000–13099).</summary>
internal static partial class CatalogLog
{
    [LoggerMessage(13000, LogLevel.Warning, "Recording {RecordingId} is on disk but the catalog did not take it; it stays pending and is indexed when the database answers")]
    public static partial void Deferred(ILogger logger, string recordingId, Exception exception);

    [LoggerMessage(13001, LogLevel.Information, "Recording {RecordingId} indexed in the catalog after waiting {WaitedSeconds:F0} s")]
    public static partial void IndexedLate(ILogger logger, string recordingId, double waitedSeconds);

    [LoggerMessage(13002, LogLevel.Warning, "The cluster database does not answer; {Pending} recordings wait on disk to be indexed")]
    public static partial void Unreachable(ILogger logger, int pending, Exception exception);

    [LoggerMessage(13003, LogLevel.Information, "The cluster database answers again after {DownSeconds:F0} s")]
    public static partial void Reachable(ILogger logger, double downSeconds);

    [LoggerMessage(13004, LogLevel.Error, "Pending catalog entry {Marker} points to no readable manifest; moved aside to {Target}")]
    public static partial void BadMarker(ILogger logger, string marker, string target, Exception? exception);

    [LoggerMessage(13005, LogLevel.Information, "Pending recording {RecordingId} was deleted meanwhile (tombstone); not indexed")]
    public static partial void SkippedTombstoned(ILogger logger, string recordingId);

    [LoggerMessage(13006, LogLevel.Warning, "Recording {RecordingId} is on disk and left pending: the cluster database is known not to answer")]
    public static partial void LeftPending(ILogger logger, string recordingId);

    [LoggerMessage(13007, LogLevel.Warning, "Recording {RecordingId}: the cluster already holds a copy at least as long ({KeptSeconds:F1} s), from the node that took the call over; this node's copy is discarded")]
    public static partial void Superseded(ILogger logger, string recordingId, double keptSeconds);
}
