using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Deletes this node's copies (and shared-store copies) of recordings that were deleted while the copy could not be
/// reached: at start, and at every <see cref="Period"/> when a recording was deleted since the last sweep (or that sweep
/// failed), whatever is stored here and tombstoned in the catalog goes.
/// </summary>
/// <remarks>
/// A sweep reads every manifest of this node's store and lists the whole shared store, so it does not run when nothing
/// was deleted: on an idle node holding 3,000 recordings the sweep every 30 s was most of the node's CPU and most of
/// Azurite's (PERFORMANCE.md). Tombstones are never removed, so their count tells whether one was added.
/// </remarks>
internal sealed class TombstoneSweeper(
    IRecordingCatalog catalog,
    INodeLocalStore local,
    ISharedBlobStore shared,
    TimeProvider timeProvider,
    ILogger<TombstoneSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, timeProvider);
        long? sweptAtCount = null;
        try
        {
            do
            {
                try
                {
                    // Counted before the sweep: a tombstone added while it runs makes the next period sweep again.
                    var count = await catalog.CountTombstonesAsync(stoppingToken);
                    if (count != sweptAtCount)
                    {
                        await SweepAsync(stoppingToken);
                        sweptAtCount = count;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    StorageLog.SweepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }

    /// <summary>One pass; returns how many copies it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        var stored = await local.ListAsync(cancellationToken);
        var dead = await catalog.GetTombstonedAsync([.. stored.Select(r => r.Id)], cancellationToken);
        foreach (var replica in stored)
        {
            if (dead.Contains(replica.Id) && replica.Key is { } key && await local.DeleteAsync(key, cancellationToken))
            {
                deleted++;
                StorageLog.Swept(logger, replica.Id, "local");
            }
        }

        if (shared.IsEnabled)
        {
            var names = new List<string>();
            await foreach (var blob in shared.ListAsync("recordings/", cancellationToken))
            {
                names.Add(blob.Name);
            }

            var ids = names.Select(n => Path.GetFileNameWithoutExtension(n)).Distinct(StringComparer.Ordinal).ToList();
            var deadShared = await catalog.GetTombstonedAsync(ids, cancellationToken);
            foreach (var name in names.Where(n => deadShared.Contains(Path.GetFileNameWithoutExtension(n))))
            {
                if (await shared.DeleteAsync(name, cancellationToken))
                {
                    deleted++;
                    StorageLog.Swept(logger, Path.GetFileNameWithoutExtension(name), "shared");
                }
            }
        }

        return deleted;
    }
}
