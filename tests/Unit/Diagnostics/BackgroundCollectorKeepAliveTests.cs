using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Tests.Unit.Diagnostics;

/// <summary>
/// The keep-alive of the workstation collector's background thread on a fake clock and a fake collector: a collection
/// is started only when none has ended for the configured time, never on a busy node, never twice for one that is
/// still running, and not at all where the collector keeps its thread (server) or the setting is zero.
/// </summary>
public sealed class BackgroundCollectorKeepAliveTests
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(12);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AnIdleNodeGetsOneBackgroundCollectionEveryTwelveToFourteenSeconds()
    {
        var collector = new FakeCollector { EndsAtOnce = true };
        using var keepAlive = new BackgroundCollectorKeepAlive(collector, _time, After);
        await keepAlive.StartAsync(CancellationToken.None);

        var startedAt = new List<double>();
        for (var second = 0; second < 60; second++)
        {
            var before = collector.Started;
            _time.Advance(TimeSpan.FromSeconds(1));
            if (collector.Started > before)
            {
                startedAt.Add(second + 1);
            }
        }

        // Looks every 2 s: the first at 12 s; each collection ends at once and is seen at the next look (2 s later),
        // so the next is 14 s after it.
        Assert.Equal([12, 26, 40, 54], startedAt);
        Assert.Equal(4, keepAlive.Started);
    }

    [Fact]
    public async Task ABusyNodeWhoseRuntimeCollectsInTheBackgroundGetsNone()
    {
        var collector = new FakeCollector();
        using var keepAlive = new BackgroundCollectorKeepAlive(collector, _time, After);
        await keepAlive.StartAsync(CancellationToken.None);

        for (var second = 1; second <= 120; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (second % 10 == 0)
            {
                collector.EndOne(); // the runtime's own, every 10 s
            }
        }

        Assert.Equal(0, collector.Started);
    }

    [Fact]
    public async Task ACollectionStillRunningIsNotStartedAgainAtTheNextLook()
    {
        var collector = new FakeCollector(); // the started collection does not end by itself
        using var keepAlive = new BackgroundCollectorKeepAlive(collector, _time, After);
        await keepAlive.StartAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(1, collector.Started);

        _time.Advance(TimeSpan.FromSeconds(10)); // five more looks while it runs
        Assert.Equal(1, collector.Started);

        _time.Advance(TimeSpan.FromSeconds(2)); // 12 s after it was started and still nothing ended: try again
        Assert.Equal(2, collector.Started);
    }

    /// <summary>The server collector keeps its background threads, so nothing is needed; zero turns the service off.</summary>
    [Theory]
    [InlineData(false, 12)]
    [InlineData(true, 0)]
    public async Task NothingIsStartedWhereTheCollectorKeepsItsThreadOrTheSettingIsZero(bool dropsIdleThread, int afterSeconds)
    {
        var collector = new FakeCollector { DropsIdleThread = dropsIdleThread, EndsAtOnce = true };
        using var keepAlive = new BackgroundCollectorKeepAlive(collector, _time, TimeSpan.FromSeconds(afterSeconds));
        await keepAlive.StartAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(keepAlive.Active);
        Assert.Equal(0, collector.Started);
    }

    [Fact]
    public async Task StoppedItStartsNoMore()
    {
        var collector = new FakeCollector { EndsAtOnce = true };
        using var keepAlive = new BackgroundCollectorKeepAlive(collector, _time, After);
        await keepAlive.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(1, collector.Started);

        await keepAlive.StopAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, collector.Started);
    }

    /// <summary>
    /// The real collector: a background collection it starts is seen to end through <c>GCKind.Background</c>. Up to three
    /// tries, because a try that has to create the runtime's background thread runs blocking and is not counted as one
    /// (the very behaviour the keep-alive exists for).
    /// </summary>
    [Fact]
    public async Task TheRuntimeCollectorStartsABackgroundCollectionThatIsSeenToEnd()
    {
        var collector = new RuntimeBackgroundCollector();
        Assert.True(System.Runtime.GCSettings.LatencyMode != System.Runtime.GCLatencyMode.Batch, "the test host runs with concurrent collections");
        var before = collector.LastBackgroundCollection;

        for (var attempt = 0; attempt < 3 && collector.LastBackgroundCollection == before; attempt++)
        {
            collector.StartBackgroundCollection();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (collector.LastBackgroundCollection == before && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        Assert.True(collector.LastBackgroundCollection > before,
            $"no background collection ended (index still {before}) after three started ones");
    }

    private sealed class FakeCollector : IBackgroundCollector
    {
        private long _last;
        private long _started;

        public bool DropsIdleThread { get; init; } = true;

        /// <summary>A started collection ends before the next look (else only <see cref="EndOne"/> ends one).</summary>
        public bool EndsAtOnce { get; init; }

        public long Started => Interlocked.Read(ref _started);

        public long LastBackgroundCollection => Interlocked.Read(ref _last);

        public void StartBackgroundCollection()
        {
            Interlocked.Increment(ref _started);
            if (EndsAtOnce)
            {
                EndOne();
            }
        }

        public void EndOne() => Interlocked.Increment(ref _last);
    }
}
