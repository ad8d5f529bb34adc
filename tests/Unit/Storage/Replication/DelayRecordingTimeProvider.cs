using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also records the due time of every one-shot timer created on it (what
/// <c>Task.Delay(delay, timeProvider)</c> creates), so a test reads the backoff delays a service asked for exactly,
/// and knows a delay is registered before it advances the clock past it.
/// </summary>
internal sealed class DelayRecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Record first: the test advances the clock once it sees the delay, and the timer must exist by then.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (period == Timeout.InfiniteTimeSpan && dueTime != Timeout.InfiniteTimeSpan)
        {
            _delays.Enqueue(dueTime);
        }

        return timer;
    }
}
