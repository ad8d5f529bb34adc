using Orleans.Concurrency;
using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Grains.Storage;

/// <summary>
/// This node's copies of other nodes' calls in progress; pinned to the silo named by its key. Stateless and reentrant:
/// the store (<see cref="ILiveCopyStore"/>, a silo singleton) serializes the writes of each call, and the batches of
/// many calls from several nodes must not queue behind one another.
/// </summary>
[SiloNamePlacement]
[Reentrant]
internal sealed class LiveCopyGrain(ILiveCopyStore store) : Grain, ILiveCopyGrain
{
    public Task<IReadOnlyList<long>> AppendAsync(LiveSegmentBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return store.AppendAsync(batch, CancellationToken.None);
    }

    public Task<bool> DropAsync(string recordingId) => Task.FromResult(store.Drop(recordingId));
}
