using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// Wakes the maintenance grain once the node has started, so that a new cluster gets its purge and export reminders
/// (they are durable afterwards), then keeps asking where it runs every <see cref="WatchPeriod"/>: that keeps the
/// singleton active somewhere (after the primary dies, the next call activates it on a backup) and logs every move,
/// which is how failover and failback are timed. Every node does it, harmlessly.
/// </summary>
internal sealed class MaintenanceStartup(
    IGrainFactory grains, IHostApplicationLifetime lifetime, TimeProvider timeProvider, ILogger<MaintenanceStartup> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

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
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    MaintenanceJobLog.StartupRetry(logger, e);
                }

                await Task.Delay(RetryDelay, timeProvider, stoppingToken);
            }

            string? host = null;
            using var timer = new PeriodicTimer(WatchPeriod, timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = await grains.GetGrain<IMaintenanceGrain>(MaintenanceKeys.Grain).GetHostNodeAsync()
                        .WaitAsync(CallTimeout, timeProvider, stoppingToken);
                    if (now != host)
                    {
                        MaintenanceJobLog.HostChanged(logger, host ?? "-", now);
                        host = now;
                    }
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                    // The host just died and is not yet declared dead: the next round finds the new one.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
