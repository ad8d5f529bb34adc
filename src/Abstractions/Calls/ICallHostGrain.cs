namespace OrleansRecorder.Abstractions.Calls;

/// <summary>
/// The calls one node records, keyed by the node's silo name and pinned to it (<c>SiloNamePlacement</c>): how any node
/// lists the cluster's calls and how a call grain reaches the node that records its call.
/// </summary>
[Alias("call-host")]
public interface ICallHostGrain : IGrainWithStringKey
{
    /// <summary>The calls in progress on this node, with fresh packet figures.</summary>
    [Alias("active")]
    Task<IReadOnlyList<LiveCall>> GetActiveAsync();

    /// <summary>Applies <paramref name="action"/> to a call recorded here; null when the node has no such call in progress.</summary>
    [Alias("control")]
    Task<LiveCall?> ControlAsync(string recordingId, CallControl action, string by);
}
