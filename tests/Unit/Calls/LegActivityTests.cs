using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary>What the media watchdog reads of a leg (<see cref="LegActivity.MediaIdleTime"/>): a held leg is never idle.</summary>
public sealed class LegActivityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ALegNeverPausedIsAsIdleAsItsReceiver()
    {
        var activity = new LegActivity();

        Assert.Equal(TimeSpan.FromSeconds(31), activity.MediaIdleTime(TimeSpan.FromSeconds(31), _time));
        Assert.False(activity.IsPaused);
    }

    [Fact]
    public void APausedLegIsNotIdleHoweverLongTheHoldLasts()
    {
        var activity = new LegActivity();
        Assert.True(activity.SetPaused(true, _time.GetTimestamp()));

        _time.Advance(TimeSpan.FromHours(2));

        Assert.True(activity.IsPaused);
        Assert.Null(activity.MediaIdleTime(TimeSpan.FromHours(2), _time));
    }

    [Fact]
    public void AfterTheResumeOnlyTheTimeSinceTheResumeCounts()
    {
        var activity = new LegActivity();
        activity.SetPaused(true, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(activity.SetPaused(false, _time.GetTimestamp()));

        // The receiver saw nothing for the 5 min hold plus 10 s: only the 10 s count.
        _time.Advance(TimeSpan.FromSeconds(10));
        var idle = activity.MediaIdleTime(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10), _time);
        Assert.Equal(TimeSpan.FromSeconds(10), idle);
        Assert.True(idle < Timeout);

        // Media that stops for good after the resume still times out.
        _time.Advance(Timeout);
        Assert.True(activity.MediaIdleTime(TimeSpan.FromMinutes(6), _time) >= Timeout);

        // Packets after the resume: the receiver's own idle time is the smaller one.
        Assert.Equal(TimeSpan.FromSeconds(1), activity.MediaIdleTime(TimeSpan.FromSeconds(1), _time));
    }

    [Fact]
    public void RepeatingTheSameDirectionChangesNothing()
    {
        var activity = new LegActivity();

        Assert.False(activity.SetPaused(false, _time.GetTimestamp()));
        Assert.True(activity.SetPaused(true, _time.GetTimestamp()));
        Assert.False(activity.SetPaused(true, _time.GetTimestamp()));
        Assert.True(activity.SetPaused(false, _time.GetTimestamp()));
    }
}
