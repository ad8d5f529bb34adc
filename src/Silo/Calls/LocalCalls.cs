using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls.Reporting;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The calls this node records, as <see cref="ICallHostGrain"/> serves them to the cluster: the live list, and an
/// operator's pause, resume or stop applied to the recording in progress.
/// </summary>
internal sealed class LocalCalls(
    CallRegistry registry,
    CallGrainReporter reporter,
    IServiceProvider services,
    TimeProvider timeProvider,
    ILogger<LocalCalls> logger) : ILocalCalls
{
    public IReadOnlyList<LiveCall> Active()
    {
        var now = timeProvider.GetUtcNow();
        return [.. registry.Recordings.Where(r => !r.IsFinalizing).Select(r => LiveCalls.Of(r, 0, null, now))];
    }

    public async Task<LiveCall?> ControlAsync(string recordingId, CallControl action, string by)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        var recording = registry.Recordings.FirstOrDefault(r => r.RecordingId == recordingId);
        if (recording is null || recording.IsFinalizing)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        switch (action)
        {
            case CallControl.Pause when recording.OperatorPause is null:
                recording.OperatorPause = new OperatorPause(by, now);
                recording.Session.SetOperatorPause(true, by, now);
                break;
            case CallControl.Resume when recording.OperatorPause is not null:
                recording.OperatorPause = null;
                recording.Session.SetOperatorPause(false, by, now);
                break;
            case CallControl.Stop:
                // The user agent is resolved here, not injected: it is built after the grain runtime that reaches this.
                var userAgent = services.GetRequiredService<RecorderUserAgent>();
                await Task.WhenAll(recording.Legs.Where(l => !l.Ended).Select(l => userAgent.HangUpAsync(l, "operator-stopped")));
                break;
        }

        CallLog.OperatorControl(logger, recordingId, action, by);
        reporter.Changed(recording);
        return LiveCalls.Of(recording, 0, null, timeProvider.GetUtcNow());
    }
}
