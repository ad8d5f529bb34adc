using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Calls.Reporting;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Media;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Calls.Reporting;

/// <summary><see cref="CallGrainReporter"/>'s periodic refresh of open calls, against grains that take every report.</summary>
public sealed class CallGrainReporterTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = new CallReportOptions().ReportInterval;

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TestMeterFactory _meters = new();
    private readonly ReportingGrains _grains = new();
    private readonly List<ActiveRecording> _opened = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var recording in _opened)
        {
            await recording.Session.DisposeAsync();
        }

        _meters.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task EachOpenCallIsRefreshedAnIntervalAfterItsOwnLastReportNotAllOnOneTick()
    {
        var reporter = NewReporter();
        var start = _time.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            // Three calls set up two seconds apart (at 0, 2 and 4 s); each is reported at once.
            _time.SetUtcNow(start + TimeSpan.FromSeconds(2 * i));
            reporter.Changed(Open($"r{i}"));
            await _grains.WaitForReportsAsync(i + 1);
        }

        // Each call is refreshed when its own last report is an interval (5 s) old: the first at 5 s, the second at 7 s,
        // the third at 9 s, one at a time, where a shared tick at 5 s and 10 s would have sent all three together.
        var refreshed = new List<int>();
        for (var second = 5; second <= 10; second++)
        {
            _time.SetUtcNow(start + TimeSpan.FromSeconds(second));
            var started = reporter.RefreshDue();
            refreshed.Add(started);
            await _grains.WaitForReportsAsync(3 + refreshed.Sum());
        }

        Assert.Equal([1, 0, 1, 0, 1, 1], refreshed);
        Assert.Equal(["r0", "r1", "r2", "r0", "r1", "r2", "r0"], _grains.Reports.Select(r => r.RecordingId).ToArray());
    }

    [Fact]
    public async Task AnEndedCallIsNotRefreshed()
    {
        var reporter = NewReporter();
        var call = Open("ended");
        reporter.Ended(call, RecordingStatus.Complete);
        await _grains.WaitForReportsAsync(1);

        _time.Advance(Interval * 3);

        Assert.Equal(0, reporter.RefreshDue());
        Assert.Equal(0, reporter.Tracked);
    }

    [Fact]
    public void TheRefreshLooksForDueCallsTenTimesPerInterval()
    {
        var options = new CallReportOptions { ReportInterval = TimeSpan.FromSeconds(5) };

        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RefreshTick);
    }

    private CallGrainReporter NewReporter() =>
        new(_grains.Factory, new CallReportOptions(), new CallReportMetrics(_meters), _time, NullLogger<CallGrainReporter>.Instance);

    private ActiveRecording Open(string id)
    {
        var info = RecordingSessionTests.Info(id);
        var recording = new ActiveRecording("pair-" + id, RecordingSession.Create(new RecordingOptions { DataDirectory = _directory.Path }, info, _time), info);
        _opened.Add(recording);
        return recording;
    }
}
