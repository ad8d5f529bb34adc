using System.Collections.Concurrent;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls.Reporting;

/// <summary>
/// Keeps each call grain up to date with what this node records, off the SIP and media paths: a change marks the call
/// and returns at once; one send per call at a time carries the latest state (changes made meanwhile coalesce into the
/// next), each bounded by <see cref="CallReportOptions.ReportTimeout"/>. A failure is logged and counted and the latest
/// state retried after <see cref="CallReportOptions.RetryDelay"/>, so a grain on a frozen or partitioned silo catches up
/// as soon as it answers; nothing here is ever thrown into the caller. Open calls are reported again every
/// <see cref="CallReportOptions.ReportInterval"/> (progress, packet figures), each counted from its own last report.
/// </summary>
/// <remarks>
/// Why each call on its own schedule: the refresh once sent every open call's report on one shared tick. A node that had
/// just set up 1,000–1,500 calls then made as many grain calls at once every 5 s, and on one core the INVITEs that came
/// during that burst waited up to a quarter of a second for a thread (PERFORMANCE.md, "A burst of set-ups").
/// </remarks>
internal sealed class CallGrainReporter(
    IGrainFactory grains,
    CallReportOptions options,
    CallReportMetrics metrics,
    TimeProvider timeProvider,
    ILogger<CallGrainReporter> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ReportedCall> _calls = new(StringComparer.Ordinal);

    /// <summary>Calls whose grain has yet to hear their latest state, or that are still open.</summary>
    public int Tracked => _calls.Count;

    /// <summary>Something about the recording changed (leg added or ended, metadata, hold, pause).</summary>
    public void Changed(ActiveRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (Track(recording) is { } call && call.MarkDirty())
        {
            _ = SendAsync(call);
        }
    }

    /// <summary>The recording ended with <paramref name="status"/>: its last report.</summary>
    public void Ended(ActiveRecording recording, RecordingStatus status)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (Track(recording) is { } call)
        {
            call.Status = status;
            if (call.MarkDirty())
            {
                _ = SendAsync(call);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshTick, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                RefreshDue();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Starts a report for every open call whose last one is <see cref="CallReportOptions.ReportInterval"/> old; returns how many.</summary>
    internal int RefreshDue()
    {
        var now = timeProvider.GetUtcNow();
        var started = 0;
        foreach (var call in _calls.Values)
        {
            if (call.IsDueForRefresh(now, options.ReportInterval) && call.MarkDirty())
            {
                started++;
                _ = SendAsync(call);
            }
        }

        return started;
    }

    private ReportedCall? Track(ActiveRecording recording)
    {
        if (_calls.TryGetValue(recording.RecordingId, out var known))
        {
            return known;
        }

        if (_calls.Count >= options.MaxCalls)
        {
            metrics.Dropped();
            return null;
        }

        return _calls.GetOrAdd(recording.RecordingId, _ => new ReportedCall(recording) { LastReportedAt = timeProvider.GetUtcNow() });
    }

    private async Task SendAsync(ReportedCall call)
    {
        // Off the caller's thread: the SIP receive loop and the media watchdog call Changed.
        await Task.Yield();
        do
        {
            call.TakeDirty();
            var now = timeProvider.GetUtcNow();
            call.LastReportedAt = now;
            var report = LiveCalls.Of(call.Recording, ++call.Version, call.Status, now);
            try
            {
                await grains.GetGrain<ICallGrain>(report.RecordingId).ReportAsync(report).WaitAsync(options.ReportTimeout);
                metrics.Sent();
                if (call.FailingSince is { } since)
                {
                    CallLog.GrainCaughtUp(logger, report.RecordingId, (now - since).TotalSeconds);
                    call.FailingSince = null;
                }

                if (report.Status is not null)
                {
                    _calls.TryRemove(new KeyValuePair<string, ReportedCall>(report.RecordingId, call));
                    return;
                }
            }
            catch (Exception ex)
            {
                metrics.Failed();
                if (call.FailingSince is null)
                {
                    call.FailingSince = now;
                    CallLog.GrainCallFailed(logger, report.RecordingId, ex);
                }

                if (report.Status is not null && now - call.FailingSince > options.EndedCallGiveUp)
                {
                    metrics.Dropped();
                    _calls.TryRemove(new KeyValuePair<string, ReportedCall>(report.RecordingId, call));
                    return;
                }

                await Task.Delay(options.RetryDelay, timeProvider);
                call.MarkDirtyOnly();
            }
        }
        while (call.FinishSending());
    }
}
