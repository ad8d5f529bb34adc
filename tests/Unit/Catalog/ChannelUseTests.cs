using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>The most recordings running at once per period (the dashboard's channels in use against the licence).</summary>
public sealed class ChannelUseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void OverlapsPeakInTheirPeriodAndACallRunningThroughAPeriodCountsInIt()
    {
        RecordingInterval[] intervals =
        [
            new(T0.AddMinutes(10), T0.AddMinutes(20)),
            new(T0.AddMinutes(15), T0.AddMinutes(130)), // through the whole second hour
            new(T0.AddMinutes(18), T0.AddMinutes(19)),
            new(T0.AddMinutes(-30), T0.AddMinutes(5)), // started before the range
        ];

        var peaks = ChannelUse.PeakPerBucket(intervals, T0, T0.AddHours(4), Hour);

        Assert.Equal([3L, 1L, 1L, 0L], peaks.Select(p => p.Count));
        Assert.Equal([T0, T0.AddHours(1), T0.AddHours(2), T0.AddHours(3)], peaks.Select(p => p.At));
    }

    [Fact]
    public void ACallEndingAsTheNextStartsIsOneChannel()
    {
        RecordingInterval[] intervals = [new(T0.AddMinutes(1), T0.AddMinutes(2)), new(T0.AddMinutes(2), T0.AddMinutes(3))];

        Assert.Equal([1L], ChannelUse.PeakPerBucket(intervals, T0, T0.AddHours(1), Hour).Select(p => p.Count));
    }

    [Fact]
    public void NothingRecordedIsZeroInEveryPeriod() =>
        Assert.Equal([0L, 0L], ChannelUse.PeakPerBucket([], T0, T0.AddHours(2), Hour).Select(p => p.Count));
}
