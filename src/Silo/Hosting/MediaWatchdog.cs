using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// Ends legs whose media stopped (no accepted RTP for <see cref="RecorderSettings.MediaTimeout"/>), so a call that
/// CUCM never hangs up (lost BYE, crashed phone) is still finalized, flagged <c>media-timeout</c>. A leg on hold is
/// left alone (<see cref="LegActivity"/>).
/// </summary>
internal sealed class MediaWatchdog(
    CallRegistry registry,
    RecordingCoordinator coordinator,
    RecorderSettings settings,
    TimeProvider timeProvider,
    ILogger<MediaWatchdog> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var leg in registry.Legs)
                {
                    // A leg on hold (a=inactive) sends nothing by agreement: it is not idle, and after the resume the
                    // hold's silence does not count (LegActivity).
                    if (!leg.Ended && leg.Activity.MediaIdleTime(leg.Receiver.IdleTime, timeProvider) is { } idle
                        && idle >= settings.MediaTimeout)
                    {
                        CallLog.MediaTimeout(logger, leg.CallId, idle.TotalSeconds);
                        try
                        {
                            await coordinator.EndLegAsync(leg, "media-timeout", stoppingToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            CallLog.HandlerFailed(logger, "TIMEOUT", leg.CallId, ex);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }
}
