using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>
/// The cluster as the operator sees it: every node that membership knows (latest generation per name), with the
/// node's own status when it answers within <see cref="Timeout"/>.
/// </summary>
internal sealed class ClusterView(IClusterMembershipService membership, IGrainFactory grains)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<NodeStatus>> GetNodesAsync(CancellationToken cancellationToken)
    {
        var latest = membership.CurrentSnapshot.Members.Values
            .Where(m => !string.IsNullOrEmpty(m.Name))
            .GroupBy(m => m.Name)
            .Select(g => g.OrderByDescending(m => m.SiloAddress.Generation).First())
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        var statuses = await Task.WhenAll(latest.Select(m => GetAsync(m, cancellationToken)));
        return statuses;
    }

    /// <summary>Other active nodes configured as primary (a cluster has at most one).</summary>
    public async Task<IReadOnlyList<string>> OtherPrimariesAsync(string self, CancellationToken cancellationToken) =>
        [.. (await GetNodesAsync(cancellationToken))
            .Where(n => n.Name != self && n.Role == NodeMetadata.Primary && n.Status is not ("down" or "unreachable"))
            .Select(n => n.Name)];

    private async Task<NodeStatus> GetAsync(ClusterMember member, CancellationToken cancellationToken)
    {
        if (member.Status != SiloStatus.Active)
        {
            return Unknown(member, member.Status == SiloStatus.Dead ? "down" : member.Status.ToString().ToLowerInvariant());
        }

        try
        {
            return await grains.GetGrain<INodeGrain>(member.Name).GetStatusAsync().WaitAsync(Timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Unknown(member, "unreachable");
        }
    }

    private static NodeStatus Unknown(ClusterMember member, string status) =>
        new(member.Name, "unknown", status, "no answer", 0, 0, -1, 0, null);
}
