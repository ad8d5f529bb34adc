using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Removes a recording from the whole cluster (DELETE and the purge): a tombstone first, then the catalog row, then
/// every store that answers now (this node, each active peer, the shared store). A store that is down keeps its copy
/// until the <see cref="TombstoneSweeper"/> of its node (or any node, for the shared store) finds the tombstone, so a
/// node that was down never brings a deleted recording back.
/// </summary>
internal sealed class RecordingRemover(
    IRecordingCatalog catalog,
    INodeLocalStore local,
    ISharedBlobStore shared,
    IClusterMembershipService membership,
    IGrainFactory grains,
    TimeProvider timeProvider,
    ILogger<RecordingRemover> logger,
    IWebhookPublisher webhooks)
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(5);

    /// <param name="manifest">The recording.</param>
    /// <param name="reason">Why, kept in the tombstone.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <param name="actor">Who (user or API key), kept in the tombstone as proof of erasure; null for the purge.</param>
    public async Task RemoveAsync(RecordingManifest manifest, string reason, CancellationToken cancellationToken, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        RecordingPaths.ValidateRecordingId(manifest.Id);

        // Crypto-shredding: the data key goes with the tombstone, in one transaction, before any file is touched, so a
        // copy no store deletes now (a node down, the shared store, an export) is unreadable from here on.
        await catalog.AddTombstoneAsync(manifest.Id, timeProvider.GetUtcNow(), reason, actor ?? "system", cancellationToken);
        await catalog.DeleteAsync(manifest.Id, cancellationToken);
        webhooks.RecordingDeleted(manifest, reason);

        var key = new ReplicaKey(manifest.Id, manifest.StartedAt, RecordingFormats.Normalize(manifest.Format));
        await local.DeleteAsync(key, cancellationToken);
        var self = membership.CurrentSnapshot;
        foreach (var member in self.Members.Values)
        {
            if (member.Status != SiloStatus.Active || string.IsNullOrEmpty(member.Name))
            {
                continue;
            }

            try
            {
                await grains.GetGrain<INodeStoreGrain>(member.Name).DeleteAsync(key).WaitAsync(PeerTimeout, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // Its sweeper removes the copy when it finds the tombstone.
                StorageLog.PeerDeleteFailed(logger, manifest.Id, member.Name, ex);
            }
        }

        if (shared.IsEnabled)
        {
            try
            {
                await shared.DeleteAsync(key.AudioName, cancellationToken);
                await shared.DeleteAsync(key.ManifestName, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                StorageLog.SharedDeleteFailed(logger, manifest.Id, ex);
            }
        }

        StorageLog.Removed(logger, manifest.Id, reason);
    }
}
