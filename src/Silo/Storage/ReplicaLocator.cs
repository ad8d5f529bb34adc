using System.Collections.Concurrent;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Asks every active node's <see cref="INodeStoreGrain.HasAsync"/> (in parallel, <see cref="AskTimeout"/> each: a
/// node that does not answer in time is left out) and the shared store; answers are cached for
/// <see cref="CacheFor"/>, so a listing page does not fan out again on every refresh.
/// </summary>
internal sealed class ReplicaLocator(string nodeName, ReplicaTransfer transfer, IClusterMembershipService membership, TimeProvider time)
    : IReplicaLocator
{
    public const string Shared = "shared";
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, (long At, IReadOnlyList<string> Replicas)> _cache = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>> LocateAsync(RecordingManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var now = time.GetTimestamp();
        var cacheKey = manifest.Id + ":" + manifest.Sha256;
        if (_cache.TryGetValue(cacheKey, out var cached) && time.GetElapsedTime(cached.At, now) < CacheFor)
        {
            return cached.Replicas;
        }

        var replica = ReplicaTransfer.Describe(manifest);
        var nodes = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var asks = nodes.Select(node => AskAsync(node, replica, cancellationToken)).ToList();
        var shared = transfer.Shared.IsEnabled ? AskSharedAsync(replica, cancellationToken) : Task.FromResult(false);
        var answers = await Task.WhenAll(asks);
        var replicas = new List<string>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (answers[i])
            {
                replicas.Add(nodes[i]);
            }
        }

        if (await shared)
        {
            replicas.Add(Shared);
        }

        if (_cache.Count > MaxCached)
        {
            _cache.Clear();
        }

        _cache[cacheKey] = (now, replicas);
        return replicas;
    }

    private async Task<bool> AskAsync(string node, ReplicaDescriptor replica, CancellationToken cancellationToken)
    {
        try
        {
            return node == nodeName
                ? await transfer.Local.HasAsync(replica.Key, replica.Sha256, cancellationToken)
                : await transfer.Grains.GetGrain<INodeStoreGrain>(node).HasAsync(replica.Key, replica.Sha256).WaitAsync(AskTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> AskSharedAsync(ReplicaDescriptor replica, CancellationToken cancellationToken)
    {
        try
        {
            return await transfer.SharedHasAsync(replica, cancellationToken).WaitAsync(AskTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
