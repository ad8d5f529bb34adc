namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// Keeps the workstation collector's background-collection thread alive, so that the first generation-2 collection
/// after a quiet spell runs in the background and does not stop the node for the whole of it.
/// </summary>
/// <remarks>
/// <para>
/// What the runtime does (.NET 10, workstation collector, measured in GC event traces of a burst of set-ups; PERFORMANCE.md
/// "A burst of set-ups"): the thread that runs background collections ends after 20 s without one
/// (<c>GC/TerminateConcurrentThread</c> 20.0 s after the last one ended). The next generation-2 collection creates it
/// again (<c>GC/CreateConcurrentThread</c>) and, in every such case traced, then ran as a <em>blocking</em> full
/// collection instead: 118 ms and 195 ms with every thread stopped, against 15–21 ms for the stopped part of a background
/// one. In a burst after a quiet minute that pause is the INVITE→200 p99.
/// </para>
/// <para>
/// So every <see cref="CheckPeriod"/> this looks whether a background collection has ended in the last
/// <c>after</c> (12 s by default, under the runtime's 20 s with room for a late timer) and, if none has, starts one. A
/// busy node has them anyway and nothing is started; an idle one pays one background collection of a small heap every
/// 14–16 s (12 s from the look that saw the last one end; the marking runs beside the node's threads, the stop is the short initial one). Nothing is done where
/// <see cref="IBackgroundCollector.DropsIdleThread"/> is false (the server collector, or concurrent collections off).
/// </para>
/// </remarks>
internal sealed class BackgroundCollectorKeepAlive(IBackgroundCollector collector, TimeProvider timeProvider, TimeSpan after)
    : IHostedService, IDisposable
{
    /// <summary>How often the collector is looked at; with 12 s this starts a collection 12–14 s after the last one.</summary>
    public static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private ITimer? _timer;
    private long _lastSeen;
    private long _lastSeenAt;
    private long _started;

    /// <summary>How many background collections this service has started (the rest were the runtime's own).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Whether this process needs the service and it is on.</summary>
    public bool Active => after > TimeSpan.Zero && collector.DropsIdleThread;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Active)
        {
            lock (_lock)
            {
                _lastSeen = collector.LastBackgroundCollection;
                _lastSeenAt = timeProvider.GetTimestamp();
                _timer = timeProvider.CreateTimer(_ => Check(), null, CheckPeriod, CheckPeriod);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>One look: starts a background collection when none has ended for <c>after</c>.</summary>
    internal void Check()
    {
        lock (_lock)
        {
            if (_timer is null)
            {
                return;
            }

            var last = collector.LastBackgroundCollection;
            if (last != _lastSeen)
            {
                _lastSeen = last;
                _lastSeenAt = timeProvider.GetTimestamp();
                return;
            }

            if (timeProvider.GetElapsedTime(_lastSeenAt) < after)
            {
                return;
            }

            // Counted from now, not from when it ends: a collection still running at the next look is not started twice.
            _lastSeenAt = timeProvider.GetTimestamp();
            Interlocked.Increment(ref _started);
        }

        collector.StartBackgroundCollection();
    }
}
