namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>Durable maintenance state in the cluster database (settings and run history). Implemented by the silo.</summary>
public interface IMaintenanceStore
{
    /// <summary>The stored settings, or null when none were ever saved.</summary>
    Task<MaintenanceSettings?> GetSettingsAsync(CancellationToken ct);

    Task SaveSettingsAsync(MaintenanceSettings settings, CancellationToken ct);

    /// <summary>Appends a run to the history.</summary>
    Task AddRunAsync(MaintenanceRun run, CancellationToken ct);

    /// <summary>The latest run of <paramref name="job"/>, or null.</summary>
    Task<MaintenanceRun?> GetLastRunAsync(MaintenanceJob job, CancellationToken ct);
}
