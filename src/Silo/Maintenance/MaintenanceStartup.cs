using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// Wakes the maintenance grain once the node has started, so that a new cluster gets its purge and export reminders
/// (they are durable afterwards). Retries until the cluster answers; every node does it, harmlessly.
/// </summary>
internal sealed class MaintenanceStartup(
    IGrainFactory grains, IHostApplicationLifetime lifetime, TimeProvider timeProvider, ILogger<MaintenanceStartup> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await grains.GetGrain<IMaintenanceGrain>(MaintenanceKeys.Grain).GetStateAsync();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    MaintenanceJobLog.StartupRetry(logger, e);
                }

                await Task.Delay(RetryDelay, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
