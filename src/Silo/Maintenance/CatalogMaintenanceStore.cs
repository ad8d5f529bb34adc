using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>Maintenance settings and run history in the cluster database, through the catalog.</summary>
internal sealed class CatalogMaintenanceStore(IRecordingCatalog catalog) : IMaintenanceStore
{
    public Task<MaintenanceSettings?> GetSettingsAsync(CancellationToken ct) => catalog.GetMaintenanceSettingsAsync(ct);

    public Task SaveSettingsAsync(MaintenanceSettings settings, CancellationToken ct) => catalog.SaveMaintenanceSettingsAsync(settings, ct);

    public Task AddRunAsync(MaintenanceRun run, CancellationToken ct) => catalog.AddMaintenanceRunAsync(run, ct);

    public async Task<MaintenanceRun?> GetLastRunAsync(MaintenanceJob job, CancellationToken ct) =>
        (await catalog.GetMaintenanceRunsAsync(job, 1, ct)) is [var last, ..] ? last : null;
}
