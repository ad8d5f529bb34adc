using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>Log messages of the maintenance jobs (EventIds 9100-9199).</summary>
internal static partial class MaintenanceJobLog
{
    [LoggerMessage(9106, LogLevel.Information, "Maintenance runs on {Host} (was {Previous})")]
    public static partial void HostChanged(ILogger logger, string previous, string host);

    [LoggerMessage(9100, LogLevel.Information, "Purged recording {RecordingId} (started {StartedAt})")]
    public static partial void Purged(ILogger logger, string recordingId, DateTimeOffset startedAt);

    [LoggerMessage(9101, LogLevel.Warning, "Could not purge recording {RecordingId}")]
    public static partial void PurgeFailed(ILogger logger, string recordingId, Exception exception);

    [LoggerMessage(9102, LogLevel.Information, "Exported recording {RecordingId} as {FileName}")]
    public static partial void Exported(ILogger logger, string recordingId, string fileName);

    [LoggerMessage(9103, LogLevel.Warning, "Export stopped at recording {RecordingId}: {Reason}")]
    public static partial void ExportFailed(ILogger logger, string recordingId, string reason);

    [LoggerMessage(9104, LogLevel.Error, "Maintenance {Job} failed unexpectedly")]
    public static partial void JobCrashed(ILogger logger, MaintenanceJob job, Exception exception);

    [LoggerMessage(9105, LogLevel.Warning, "Could not reach the maintenance grain yet; retrying")]
    public static partial void StartupRetry(ILogger logger, Exception exception);
}
