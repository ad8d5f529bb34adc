using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// Forces the segments of every call in progress to disk every <see cref="Recording.RecordingOptions.SyncInterval"/>,
/// so that an operating-system crash loses at most that much audio, without an fsync on the RTP receive thread.
/// </summary>
internal sealed class SegmentSyncService(
    CallRegistry registry,
    RecorderSettings settings,
    TimeProvider timeProvider,
    ILogger<SegmentSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // fsync blocks its thread on the disk: keep it off the thread pool's first hop (the host's start).
        await Task.Yield();
        using var timer = new PeriodicTimer(settings.Recording.SyncInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var recording in registry.Recordings)
                {
                    try
                    {
                        recording.Session.SyncToDisk();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        CallLog.HandlerFailed(logger, "SYNC", recording.RecordingId, ex);
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
