using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Tests.Unit.Maintenance;

/// <summary>Jobs that do nothing but say which silo ran them.</summary>
internal sealed class NodeNameJobs(ILocalSiloDetails local, TimeProvider timeProvider) : IMaintenanceJobs
{
    public Task<MaintenanceRun> RunAsync(MaintenanceJob job, MaintenanceSettings settings, CancellationToken ct)
    {
        var now = timeProvider.GetUtcNow();
        return Task.FromResult(new MaintenanceRun(job, local.Name, now, now, MaintenanceResult.Succeeded, 0, 0, 0, null));
    }
}
