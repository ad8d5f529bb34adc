namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>
/// One per node, keyed by silo name and pinned to that silo (<see cref="SiloNamePlacementAttribute"/>), so any node
/// can ask any other node about itself.
/// </summary>
[Alias("node")]
public interface INodeGrain : IGrainWithStringKey
{
    [Alias("status")]
    Task<NodeStatus> GetStatusAsync();
}
