namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// Runs the pending-index pass of <see cref="CatalogIndexer"/> at start (markers a previous process left) and every
/// <see cref="Period"/>, so recordings finalized while the cluster database was down reach the catalog within seconds
/// of it answering again, and the health answer knows when it does not.
/// </summary>
internal sealed class CatalogIndexService(CatalogIndexer indexer, TimeProvider timeProvider) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, timeProvider);
        try
        {
            do
            {
                await indexer.RetryPendingAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Host stopping: what is still pending waits on disk for the next start.
        }
    }
}
