using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// Ends legs whose media stopped (no accepted RTP for <see cref="RecorderSettings.MediaTimeout"/>), so a call that
/// CUCM never hangs up (lost BYE, crashed phone) is still finalized, flagged <c>media-timeout</c>, and CUCM gets our BYE
/// so it does not keep the dialog either. A leg on hold is
/// left alone (<see cref="LegActivity"/>).
/// </summary>
internal sealed class MediaWatchdog(
    CallRegistry registry,
    RecorderUserAgent userAgent,
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

                        // Not awaited: the BYE's transaction may take up to 64·T1 without an answer, and the next leg
                        // must not wait for it. HangUpAsync catches and logs its own failures.
                        _ = HangUpAsync(leg);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }

    private async Task HangUpAsync(CallLeg leg)
    {
        try
        {
            await userAgent.HangUpAsync(leg, "media-timeout");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.HandlerFailed(logger, "TIMEOUT", leg.CallId, ex);
        }
    }
}
