using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;

using OrleansRecorder.Silo.Storage;

using Microsoft.Extensions.Options;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>Service wiring for the maintenance jobs (needs <see cref="RecorderSettings"/>, <see cref="IRecordingCatalog"/> and <see cref="TimeProvider"/>).</summary>
internal static class MaintenanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services the maintenance grain calls (<see cref="IMaintenanceStore"/>, <see cref="IMaintenanceJobs"/>,
    /// <see cref="IMaintenanceNode"/>) and, with <paramref name="wakeOnStart"/>, the start-up service that schedules the
    /// reminders of a new cluster. The silo must also call <c>UsePrimaryNodePlacement</c> (silo metadata + director).
    /// </summary>
    public static IServiceCollection AddRecorderMaintenance(this IServiceCollection services, bool wakeOnStart = true)
    {
        services.AddSingleton<IMaintenanceStore, CatalogMaintenanceStore>();
        services.AddSingleton(sp => new RecordingPurger(
            sp.GetRequiredService<IRecordingCatalog>(),
            sp.GetRequiredService<RecorderSettings>().Recording,
            sp.GetRequiredService<ILogger<RecordingPurger>>(),
            sp.GetService<RecordingRemover>()));
        services.AddSingleton(sp => new RecordingExporter(
            sp.GetRequiredService<IRecordingCatalog>(),
            sp.GetRequiredService<RecorderSettings>().Recording,
            sp.GetRequiredService<ILogger<RecordingExporter>>(),
            sp.GetService<LocalReplicaFetcher>(),
            sp.GetService<IOptions<RecorderOptions>>()?.Value.Encryption.ExportDecrypted != false ? sp.GetService<KeyRing>() : null,
            sp.GetService<Integrity.SigningKeyDirectory>()));
        services.AddSingleton<IMaintenanceJobs>(sp => new MaintenanceJobs(
            sp.GetRequiredService<RecordingPurger>(),
            sp.GetRequiredService<RecordingExporter>(),
            sp.GetRequiredService<RecorderSettings>().NodeName,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MaintenanceJobs>>()));
        services.AddSingleton<IMaintenanceNode, SiloMaintenanceNode>();
        if (wakeOnStart)
        {
            services.AddHostedService<MaintenanceStartup>();
        }

        return services;
    }
}
