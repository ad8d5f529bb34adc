using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>
/// A recording's replicas grain without Orleans: what the real one writes (into the test's catalog), and every report
/// kept in order, so a test sees what <c>ReplicationService</c> reported.
/// </summary>
internal sealed class CatalogReplicasGrain(string recordingId, CatalogReplicas replicas, TimeProvider time, List<string> reports) : IRecordingReplicasGrain
{
    public async Task LandedAsync(string location, string sha256)
    {
        lock (reports)
        {
            reports.Add($"{recordingId} landed at {location}");
        }

        await replicas.RecordLandedAsync(recordingId, location, sha256, time.GetUtcNow(), CancellationToken.None);
    }

    public async Task RemovedAsync(string location)
    {
        lock (reports)
        {
            reports.Add($"{recordingId} removed from {location}");
        }

        await replicas.RecordRemovedAsync(recordingId, location, CancellationToken.None);
    }

    public Task FailedAsync(string location, string reason)
    {
        lock (reports)
        {
            reports.Add($"{recordingId} failed at {location}");
        }

        return Task.CompletedTask;
    }

    public Task<RecordingReplication> GetAsync() => throw new NotSupportedException("Not used by the replication service.");
}
