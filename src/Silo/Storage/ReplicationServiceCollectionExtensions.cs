using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Silo.Storage;

/// <summary>Silo wiring for storage and replication.</summary>
internal static class ReplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the node-local store (for <see cref="INodeStoreGrain"/>), the shared store (Azure Blob Storage when
    /// <c>Recorder:SharedStore:ConnectionString</c> is set, else disabled), <see cref="ReplicationService"/> (hosted,
    /// and as <see cref="IReplicationQueue"/>), <see cref="ReplicaLandings"/> and the catalog's replica table as
    /// <see cref="IReplicaRegistry"/> (for <see cref="IRecordingReplicasGrain"/>), <see cref="IReplicaLocator"/>, <see cref="LocalReplicaFetcher"/>, and in-call
    /// replication (<see cref="LiveSegmentShipper"/>, <see cref="FileLiveCopyStore"/>, <see cref="LiveCopyTakeover"/>).
    /// Needs <see cref="IRecordingCatalog"/>, <see cref="CatalogIndexer"/>, <see cref="RecorderSettings"/>, <see cref="TimeProvider"/> and Orleans in the container.
    /// </summary>
    public static IServiceCollection AddRecorderReplication(
        this IServiceCollection services, IConfiguration configuration, string dataDirectory, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var replication = configuration.GetSection(ReplicationOptions.SectionName).Get<ReplicationOptions>() ?? new ReplicationOptions();
        var shared = configuration.GetSection(SharedStoreOptions.SectionName).Get<SharedStoreOptions>() ?? new SharedStoreOptions();
        if (replication.BytesPerSecond < 0 || replication.QueueCapacity < 1 || replication.LiveConcurrency < 1 || replication.ReconcileInterval <= TimeSpan.Zero || replication.FullReconcileInterval <= TimeSpan.Zero
            || replication.LiveSegmentInterval <= TimeSpan.Zero || replication.LiveSegmentCopies < 0)
        {
            throw new InvalidOperationException("Recorder:Replication: BytesPerSecond must be >= 0, QueueCapacity and LiveConcurrency >= 1, ReconcileInterval, FullReconcileInterval and LiveSegmentInterval positive, LiveSegmentCopies >= 0.");
        }

        services.AddSingleton(replication);
        services.AddSingleton(sp => new ReplicaLandings(
            id => sp.GetRequiredService<IGrainFactory>().GetGrain<IRecordingReplicasGrain>(id), sp.GetRequiredService<ILogger<ReplicaLandings>>()));
        services.AddSingleton<IReplicaRegistry>(sp => sp.GetRequiredService<IRecordingCatalog>().Replicas);
        services.AddSingleton<INodeLocalStore>(sp => new FileNodeLocalStore(
            dataDirectory,
            sp.GetRequiredService<TimeProvider>(),
            // Resolved at the call, not here: the catalog's own services reach the store.
            async (id, ct) => (await sp.GetRequiredService<IRecordingCatalog>().GetAsync(id, ct))?.Sha256,
            replica => sp.GetRequiredService<ReplicaLandings>().LandedAsync(replica.Key.Id, nodeName, replica.Sha256),
            key => sp.GetRequiredService<ReplicaLandings>().RemovedAsync(key.Id, nodeName)));
        services.AddSingleton<ISharedBlobStore>(string.IsNullOrWhiteSpace(shared.ConnectionString)
            ? new DisabledSharedBlobStore()
            : new AzureBlobSharedStore(shared.ConnectionString, shared.Container));
        services.AddSingleton(sp => new ReplicaTransfer(
            sp.GetRequiredService<INodeLocalStore>(), sp.GetRequiredService<ISharedBlobStore>(), sp.GetRequiredService<IGrainFactory>())
        {
            CallTimeout = replication.PeerTimeout,
        });
        services.AddSingleton(sp => new ReplicationService(
            nodeName,
            sp.GetRequiredService<IRecordingCatalog>(),
            sp.GetRequiredService<ReplicaTransfer>(),
            sp.GetRequiredService<ReplicaLandings>(),
            sp.GetRequiredService<IClusterMembershipService>(),
            replication,
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReplicationService>>()));
        services.AddSingleton<IReplicationQueue>(sp => sp.GetRequiredService<ReplicationService>());
        services.AddSingleton<RecordingRemover>();
        services.AddHostedService<TombstoneSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicationService>());
        services.AddSingleton<IReplicaLocator>(sp => new ReplicaLocator(
            sp.GetRequiredService<IRecordingCatalog>(), sp.GetRequiredService<IClusterMembershipService>()));
        services.AddSingleton(sp => new LocalReplicaFetcher(
            nodeName, sp.GetRequiredService<ReplicaTransfer>(), sp.GetRequiredService<IClusterMembershipService>(),
            sp.GetRequiredService<ILogger<LocalReplicaFetcher>>()));
        services.AddSingleton(new FileLiveCopyStore(dataDirectory));
        services.AddSingleton<ILiveCopyStore>(sp => sp.GetRequiredService<FileLiveCopyStore>());
        services.AddHostedService(sp => new LiveCopyTakeover(
            sp.GetRequiredService<FileLiveCopyStore>(), sp.GetRequiredService<RecorderSettings>().Recording, replication,
            sp.GetRequiredService<CatalogIndexer>(), sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LiveCopyTakeover>>()));
        if (replication.LiveSegmentCopies > 0)
        {
            services.AddHostedService(sp => new LiveSegmentShipper(
                nodeName, sp.GetRequiredService<RecorderSettings>().Recording, replication, sp.GetRequiredService<IGrainFactory>(),
                sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<LiveSegmentShipper>>()));
        }

        return services;
    }
}
