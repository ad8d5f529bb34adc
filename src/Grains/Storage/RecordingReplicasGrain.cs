using Orleans.Placement;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Grains.Storage;

/// <summary>
/// One recording's replication (<see cref="IRecordingReplicasGrain"/>): each landing and removal is written to the
/// catalog before the call returns (a landing already recorded keeps its first time), so a copy is listed by the API once its sender's call has returned.
/// Placed on the silo of its first caller, the node where the first copy landed.
/// </summary>
[PreferLocalPlacement]
internal sealed class RecordingReplicasGrain(IReplicaRegistry registry, TimeProvider time) : Grain, IRecordingReplicasGrain
{
    private readonly ReplicaState _state = new();

    public async Task LandedAsync(string location, string sha256)
    {
        // Written at every report, known or not: the catch-up pass mends the table in bulk without this grain, so
        // what this activation remembers may be older than the row. The write keeps the first landing's time.
        _state.Landed(location, sha256);
        await registry.RecordLandedAsync(this.GetPrimaryKeyString(), location, sha256.ToLowerInvariant(), time.GetUtcNow(), CancellationToken.None);
    }

    public async Task RemovedAsync(string location)
    {
        _state.Removed(location);
        await registry.RecordRemovedAsync(this.GetPrimaryKeyString(), location, CancellationToken.None);
    }

    public Task FailedAsync(string location, string reason)
    {
        _state.Failed(location, reason);
        return Task.CompletedTask;
    }

    public Task<RecordingReplication> GetAsync() => Task.FromResult(_state.Snapshot());
}
