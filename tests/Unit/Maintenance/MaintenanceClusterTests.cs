using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Maintenance;

namespace OrleansRecorder.Tests.Unit.Maintenance;

/// <summary>
/// The maintenance grain in an in-process cluster: on the primary, on a backup when the primary stops, back on a new
/// primary when one joins (reminder ticks + <c>MigrateOnIdle</c>).
/// </summary>
public sealed class MaintenanceClusterTests
{
    // Silo_0 starts as the primary, Silo_1 is a backup, Silo_2 (started later) is the returning primary.
    private static readonly HashSet<string> Primaries = ["Silo_0", "Silo_2"];

    [Fact]
    public async Task RunsOnThePrimaryFailsOverToABackupAndMovesBackToANewPrimary()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryMaintenanceStore();
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.UsePrimaryNodePlacement(options.SiloName, Primaries.Contains(options.SiloName) ? RecorderSiloMetadata.Primary : RecorderSiloMetadata.Backup);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<IMaintenanceStore>(store);
            silo.Services.AddSingleton<IMaintenanceJobs, NodeNameJobs>();
            silo.Services.AddSingleton<IMaintenanceNode, SiloMaintenanceNode>();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(ct);
        var grain = cluster.Client.GetGrain<IMaintenanceGrain>(MaintenanceKeys.Grain);

        var update = await grain.UpdateSettingsAsync(MaintenanceSettings.Default with
        {
            PurgePeriod = TimeSpan.FromSeconds(1),
            ExportPeriod = TimeSpan.FromSeconds(1),
        });
        Assert.True(update.Accepted, string.Join("; ", update.Errors));
        await WaitForAsync(grain, store, "Silo_0", "the grain runs its jobs on the primary", ct);

        var primary = cluster.Silos.Single(s => s.Name == "Silo_0");
        await cluster.StopSiloAsync(primary, ct);
        await WaitForAsync(grain, store, "Silo_1", "the grain runs its jobs on the backup after the primary stopped", ct);

        await cluster.StartAdditionalSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.Contains(cluster.Silos, s => s.Name == "Silo_2");
        await WaitForAsync(grain, store, "Silo_2", "the grain moved back to the new primary", ct);
    }

    /// <summary>Polls (bounded) until the grain is hosted on <paramref name="node"/> and a reminder-driven run happened there.</summary>
    private static async Task WaitForAsync(IMaintenanceGrain grain, InMemoryMaintenanceStore store, string node, string what, CancellationToken ct)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        var lastHost = "(none)";
        while (TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30))
        {
            try
            {
                lastHost = (await grain.GetStateAsync()).HostNode;
            }
            catch (OrleansException)
            {
                // the grain is moving; ask again
            }

            if (lastHost == node && store.Runs.Any(r => r.Node == node))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, ct);
        }

        Assert.Fail($"Timed out after 30 s waiting until {what}: hosted on {lastHost}, runs on [{string.Join(", ", store.Runs.Select(r => r.Node).Distinct())}].");
    }
}
