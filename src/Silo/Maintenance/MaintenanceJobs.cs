using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// Runs purge and export for the maintenance grain and stamps each run with this node and its times. An unexpected
/// exception (catalog unreachable, ...) becomes a failed run with the reason, never a crashed tick.
/// </summary>
internal sealed class MaintenanceJobs(
    RecordingPurger purger, RecordingExporter exporter, string nodeName, TimeProvider timeProvider, ILogger<MaintenanceJobs> logger)
    : IMaintenanceJobs
{
    public async Task<MaintenanceRun> RunAsync(MaintenanceJob job, MaintenanceSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var startedAt = timeProvider.GetUtcNow();
        JobOutcome outcome;
        try
        {
            outcome = job switch
            {
                MaintenanceJob.Purge => await purger.PurgeAsync(settings, startedAt, ct),
                MaintenanceJob.Export => await exporter.ExportAsync(settings, ct),
                _ => throw new ArgumentOutOfRangeException(nameof(job), job, null),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentOutOfRangeException)
        {
            MaintenanceJobLog.JobCrashed(logger, job, e);
            outcome = JobOutcome.Failed($"Unexpected error: {e.Message}");
        }

        return new MaintenanceRun(
            job, nodeName, startedAt, timeProvider.GetUtcNow(), outcome.Result, outcome.Done, outcome.Skipped, outcome.Errors, outcome.Message);
    }
}
