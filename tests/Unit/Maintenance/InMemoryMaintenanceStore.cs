using System.Collections.Concurrent;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Tests.Unit.Maintenance;

/// <summary>The cluster database for the in-process cluster: one instance shared by every silo.</summary>
internal sealed class InMemoryMaintenanceStore : IMaintenanceStore
{
    private readonly ConcurrentQueue<MaintenanceRun> _runs = new();
    private MaintenanceSettings? _settings;

    public IReadOnlyCollection<MaintenanceRun> Runs => _runs;

    public Task<MaintenanceSettings?> GetSettingsAsync(CancellationToken ct) => Task.FromResult(Volatile.Read(ref _settings));

    public Task SaveSettingsAsync(MaintenanceSettings settings, CancellationToken ct)
    {
        Volatile.Write(ref _settings, settings);
        return Task.CompletedTask;
    }

    public Task AddRunAsync(MaintenanceRun run, CancellationToken ct)
    {
        _runs.Enqueue(run);
        return Task.CompletedTask;
    }

    public Task<MaintenanceRun?> GetLastRunAsync(MaintenanceJob job, CancellationToken ct) =>
        Task.FromResult(_runs.LastOrDefault(r => r.Job == job));
}
