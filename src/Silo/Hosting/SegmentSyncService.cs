using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// Forces the segments of every call in progress to disk every <see cref="RecordingOptions.SyncInterval"/>
/// (<see cref="SegmentSync"/>), so that an operating-system crash loses at most that much audio, without an fsync on the
/// RTP receive thread.
/// </summary>
/// <remarks>
/// On a thread of its own, not the thread pool: a round blocks on the disk (an fsync per leg took a pool thread for
/// up to a second at 500 calls), and on a node pinned to one core the pool has one thread until it notices and adds
/// another, so INVITEs and membership probes queued behind the round waited that long.
/// </remarks>
internal sealed class SegmentSyncService(
    CallRegistry registry,
    RecorderSettings settings,
    SegmentSync sync,
    TimeProvider timeProvider) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = "segment-sync";
        using var timer = new PeriodicTimer(settings.Recording.SyncInterval, timeProvider);
        try
        {
            // The timer's tick completes the wait on a pool thread; this thread only blocks until then.
            while (timer.WaitForNextTickAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
            {
                var recordings = registry.Recordings;
                var sessions = new RecordingSession[recordings.Count];
                for (var i = 0; i < sessions.Length; i++)
                {
                    sessions[i] = recordings[i].Session;
                }

                sync.Run(sessions);
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }
}
