using Orleans.Concurrency;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Grains.Calls;

/// <summary>
/// The calls of its node (see <see cref="ICallHostGrain"/>); pinned to the silo named by its key. Reentrant: the node's
/// call list is thread-safe, and a stop that waits for BYE answers must not hold up a listing.
/// </summary>
[SiloNamePlacement]
[Reentrant]
internal sealed class CallHostGrain(ILocalCalls calls) : Grain, ICallHostGrain
{
    public Task<IReadOnlyList<LiveCall>> GetActiveAsync() => Task.FromResult(calls.Active());

    public Task<LiveCall?> ControlAsync(string recordingId, CallControl action, string by) => calls.ControlAsync(recordingId, action, by);
}
