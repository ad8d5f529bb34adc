namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>
/// Runs the maintenance jobs on this node's store and the cluster database. Implemented by the silo; never throws for
/// an expected failure (missing folder, unreadable file): that is a <see cref="MaintenanceResult.Failed"/> run.
/// </summary>
public interface IMaintenanceJobs
{
    /// <summary>Runs <paramref name="job"/> once with <paramref name="settings"/>. Idempotent: a repeated run does no harm.</summary>
    Task<MaintenanceRun> RunAsync(MaintenanceJob job, MaintenanceSettings settings, CancellationToken ct);
}
