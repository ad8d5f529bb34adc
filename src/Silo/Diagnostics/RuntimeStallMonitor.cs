using System.Diagnostics.Metrics;

namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// Measures, from inside the node, the stalls that decide whether its peers think it is dead (PERFORMANCE.md,
/// "Membership under load"): every 100 ms a dedicated thread wakes, records how late it woke, queues one thread-pool
/// work item (unless the previous one has still not run) that records how long it waited, and records the GC pause
/// time added since the last tick. Summaries of the last minute go to <c>GET /api/diagnostics</c> and to the gauges
/// <c>recorder.runtime.stall.max</c> and <c>recorder.runtime.stall.p99</c> (tag <c>kind</c>).
/// </summary>
/// <remarks>
/// Cost: ten wake-ups and ten work items a second, no allocation per tick (the work item is one reused object, the
/// GC figure is <see cref="GC.GetTotalPauseDuration"/>), about 5 KB per kind each time a summary is asked for (a scrape or a diagnostics request). A dedicated thread rather
/// than a timer, because a timer's callback runs on the very pool whose delay is measured: a starved pool would show
/// as neither.
/// </remarks>
internal sealed class RuntimeStallMonitor : IHostedService, IDisposable, IThreadPoolWorkItem
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private const int Capacity = 600; // a minute of 100 ms ticks

    /// <summary>A stall this long is logged: a quarter of the shortest probe timeout Orleans derives from ours (1 s).</summary>
    private const double LoggedMilliseconds = 250;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StallWindow _threadPool;
    private readonly StallWindow _timer;
    private readonly StallWindow _gc;
    private readonly ManualResetEventSlim _stopping = new();
    private Thread? _thread;
    private long _queuedAt;
    private int _outstanding;

    public RuntimeStallMonitor(TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<RuntimeStallMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _time = timeProvider;
        _logger = logger;
        _threadPool = new StallWindow(timeProvider, Window, Capacity);
        _timer = new StallWindow(timeProvider, Window, Capacity);
        _gc = new StallWindow(timeProvider, Window, Capacity);
        var meter = meterFactory.Create(RecorderMetrics.MeterName);
        meter.CreateObservableGauge("recorder.runtime.stall.max", () => Measure(s => s.MaxMilliseconds), "ms",
            "Longest stall of the last minute, by kind (thread_pool queue delay, timer lateness, gc pause).");
        meter.CreateObservableGauge("recorder.runtime.stall.p99", () => Measure(s => s.P99Milliseconds), "ms",
            "99th percentile of the last minute's 100 ms stall samples, by kind.");
    }

    public RuntimeStalls Snapshot() => new(_threadPool.Summarize(), _timer.Summarize(), _gc.Summarize());

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Stall monitor" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Also stops the thread: a host that fails to start disposes its services without stopping them, and the thread
    /// must not wait on a disposed event (an exception there would end the process).
    /// </summary>
    public void Dispose()
    {
        if (Stop())
        {
            _stopping.Dispose();
        }
    }

    /// <summary>True once the thread has ended (or never started).</summary>
    private bool Stop()
    {
        _stopping.Set();
        return _thread is not { } thread || thread.Join(TimeSpan.FromSeconds(1));
    }

    void IThreadPoolWorkItem.Execute()
    {
        Record(_threadPool, "thread-pool queue delay", _time.GetElapsedTime(Volatile.Read(ref _queuedAt)).TotalMilliseconds);
        Volatile.Write(ref _outstanding, 0);
    }

    private void Run()
    {
        var paused = GC.GetTotalPauseDuration();
        while (true)
        {
            var slept = _time.GetTimestamp();
            if (_stopping.Wait(Period))
            {
                return;
            }

            Record(_timer, "timer lateness", Math.Max(0, (_time.GetElapsedTime(slept) - Period).TotalMilliseconds));
            if (Interlocked.CompareExchange(ref _outstanding, 1, 0) == 0)
            {
                Volatile.Write(ref _queuedAt, _time.GetTimestamp());
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            var pausedNow = GC.GetTotalPauseDuration();
            if (pausedNow > paused)
            {
                Record(_gc, "GC pause", (pausedNow - paused).TotalMilliseconds);
                paused = pausedNow;
            }
        }
    }

    private void Record(StallWindow window, string kind, double milliseconds)
    {
        window.Record(milliseconds);
        if (milliseconds >= LoggedMilliseconds)
        {
            StallLog.Stalled(_logger, kind, milliseconds);
        }
    }

    private IEnumerable<Measurement<double>> Measure(Func<StallSummary, double> figure)
    {
        var stalls = Snapshot();
        yield return new Measurement<double>(figure(stalls.ThreadPoolQueueDelay), new KeyValuePair<string, object?>("kind", "thread_pool"));
        yield return new Measurement<double>(figure(stalls.TimerLateness), new KeyValuePair<string, object?>("kind", "timer"));
        yield return new Measurement<double>(figure(stalls.GcPause), new KeyValuePair<string, object?>("kind", "gc"));
    }
}
