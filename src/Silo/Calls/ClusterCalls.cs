using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The calls in progress on every active node, asked of each node's <see cref="ICallHostGrain"/> at once; a node that
/// does not answer within <see cref="Timeout"/> (frozen, partitioned) is left out rather than holding up the list.
/// </summary>
internal sealed class ClusterCalls(IClusterMembershipService membership, IGrainFactory grains, ILogger<ClusterCalls> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    public async Task<IReadOnlyList<LiveCall>> ActiveAsync(CancellationToken cancellationToken)
    {
        var nodes = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !string.IsNullOrEmpty(m.Name))
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var lists = await Task.WhenAll(nodes.Select(n => OfAsync(n, cancellationToken)));
        return [.. lists.SelectMany(l => l).OrderBy(c => c.StartedAt)];
    }

    private async Task<IReadOnlyList<LiveCall>> OfAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<ICallHostGrain>(node).GetActiveAsync().WaitAsync(Timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CallLog.NodeCallsUnavailable(logger, node, ex.GetType().Name);
            return [];
        }
    }
}
