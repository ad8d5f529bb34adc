using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Grains.Cluster;

/// <summary>Reports its silo's status; pinned to the silo named by its key.</summary>
[SiloNamePlacement]
internal sealed class NodeGrain(INodeStatusProvider status) : Grain, INodeGrain
{
    public Task<NodeStatus> GetStatusAsync() => Task.FromResult(status.GetStatus());
}
