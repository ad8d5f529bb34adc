using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Tests.Unit.Diagnostics;

/// <summary>The stall monitor's bookkeeping on a fake clock: the last minute's max and p99, the ring, the since-start max.</summary>
public sealed class StallWindowTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void NoSampleGivesZeroes()
    {
        var summary = new StallWindow(_time, TimeSpan.FromMinutes(1), 10).Summarize();

        Assert.Equal(new StallSummary(0, 0, 0, 0, 0), summary);
    }

    [Fact]
    public void MaxAndNearestRankP99OfTheSamplesInTheWindow()
    {
        var window = new StallWindow(_time, TimeSpan.FromMinutes(1), 600);
        for (var i = 1; i <= 200; i++)
        {
            window.Record(i);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var summary = window.Summarize();

        Assert.Equal(200, summary.MaxMilliseconds);
        Assert.Equal(198, summary.P99Milliseconds); // nearest rank: the 198th of 200 sorted samples
        Assert.Equal(200, summary.Samples);
        Assert.Equal(200, summary.MaxSinceStartMilliseconds);
    }

    [Fact]
    public void SamplesOlderThanTheWindowLeaveTheSummaryButNotTheMaxSinceStart()
    {
        var window = new StallWindow(_time, TimeSpan.FromMinutes(1), 600);
        window.Record(5_000);
        _time.Advance(TimeSpan.FromSeconds(30));
        window.Record(3);
        window.Record(7);
        _time.Advance(TimeSpan.FromSeconds(31));

        var summary = window.Summarize();

        Assert.Equal(7, summary.MaxMilliseconds);
        Assert.Equal(2, summary.Samples);
        Assert.Equal(5_000, summary.MaxSinceStartMilliseconds);
        Assert.Equal(3, summary.SamplesSinceStart);
    }

    [Fact]
    public void AFullRingKeepsTheNewestSamples()
    {
        var window = new StallWindow(_time, TimeSpan.FromMinutes(1), 4);
        foreach (var ms in new double[] { 900, 1, 2, 3, 4 })
        {
            window.Record(ms);
        }

        var summary = window.Summarize();

        Assert.Equal(4, summary.Samples);
        Assert.Equal(4, summary.MaxMilliseconds);
        Assert.Equal(900, summary.MaxSinceStartMilliseconds);
    }
}
