namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>Implemented by the silo host: this node's status, read by its <see cref="INodeGrain"/>.</summary>
public interface INodeStatusProvider
{
    NodeStatus GetStatus();
}
