using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Deletes this node's copies (and shared-store copies) of recordings that were deleted while the copy could not be
/// reached: at start and every <see cref="Period"/>, whatever is stored here and tombstoned in the catalog goes.
/// </summary>
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
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
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
