using Microsoft.Extensions.Logging;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Grains.Maintenance;

/// <summary>Log messages of the maintenance grain (EventIds 9000-9049).</summary>
internal static partial class MaintenanceLog
{
    [LoggerMessage(9000, LogLevel.Information, "Maintenance grain active on node {Node}")]
    public static partial void Activated(ILogger logger, string node);

    [LoggerMessage(9001, LogLevel.Information, "Maintenance grain on node {Node} is not on the preferred silo: migrating when idle")]
    public static partial void Migrating(ILogger logger, string node);

    [LoggerMessage(9002, LogLevel.Information, "Maintenance {Job} on {Node}: {Result}, done {Done}, skipped {Skipped}, errors {Errors}. {Message}")]
    public static partial void Ran(ILogger logger, MaintenanceJob job, string node, MaintenanceResult result, int done, int skipped, int errors, string? message);

    [LoggerMessage(9003, LogLevel.Debug, "Maintenance {Job} tick dropped: the last run started at {LastStart}")]
    public static partial void DuplicateTick(ILogger logger, MaintenanceJob job, DateTimeOffset lastStart);

    [LoggerMessage(9004, LogLevel.Warning, "Unknown maintenance reminder {ReminderName}: ignored")]
    public static partial void UnknownReminder(ILogger logger, string reminderName);

    [LoggerMessage(9005, LogLevel.Information, "Maintenance settings updated: retention {RetentionDays} days, export folder {ExportFolder}, purge every {PurgePeriod}, export every {ExportPeriod}")]
    public static partial void SettingsUpdated(ILogger logger, int retentionDays, string? exportFolder, TimeSpan purgePeriod, TimeSpan exportPeriod);
}
