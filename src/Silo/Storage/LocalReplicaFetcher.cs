using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// For the audio endpoint: the local file of a recording, fetched first from an active peer that has it, else from
/// the shared store, when this node lacks it. Not rate-limited: someone is waiting for the audio.
/// </summary>
internal sealed class LocalReplicaFetcher(
    string nodeName, ReplicaTransfer transfer, IClusterMembershipService membership, ILogger<LocalReplicaFetcher> logger)
{
    /// <summary>The path of the verified local audio file, or null when no reachable store has the recording.</summary>
    public async Task<string?> EnsureLocalAsync(RecordingManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var replica = ReplicaTransfer.Describe(manifest);
        var path = transfer.Local.AudioPath(replica.Key);
        if (await transfer.Local.HasAsync(replica.Key, replica.Sha256, cancellationToken))
        {
            return path;
        }

        var peers = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !string.Equals(m.Name, nodeName, StringComparison.Ordinal))
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal);
        foreach (var peer in peers)
        {
            try
            {
                if (await transfer.Grains.GetGrain<INodeStoreGrain>(peer).HasAsync(replica.Key, replica.Sha256)
                        .WaitAsync(transfer.CallTimeout, cancellationToken))
                {
                    await transfer.PullAsync(peer, replica, limiter: null, cancellationToken);
                    return path;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ReplicationLog.FetchFailed(logger, manifest.Id, peer, ex);
            }
        }

        if (transfer.Shared.IsEnabled)
        {
            try
            {
                if (await transfer.SharedHasAsync(replica, cancellationToken))
                {
                    await transfer.DownloadAsync(replica, limiter: null, cancellationToken);
                    return path;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ReplicationLog.FetchFailed(logger, manifest.Id, "shared", ex);
            }
        }

        // A transfer that lost a race to a concurrent one still leaves the file in place.
        return await transfer.Local.HasAsync(replica.Key, replica.Sha256, cancellationToken) ? path : null;
    }
}
