using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>Sign-in throttling on a fake clock: per account, per source, doubling lockouts, reset on success, bounds.</summary>
public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AnAccountIsLockedAfterFiveFailuresAndTheLockDoubles()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.AccountThreshold; i++)
        {
            Assert.True(throttle.TryBegin("alice", "10.0.0.1", out _), $"attempt {i + 1}");
        }

        Assert.False(throttle.TryBegin("alice", "10.0.0.1", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        Assert.False(throttle.TryBegin("alice", "10.0.0.2", out _)); // the account, from anywhere
        Assert.True(throttle.TryBegin("bob", "10.0.0.2", out _)); // other accounts are not affected

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(throttle.TryBegin("alice", "10.0.0.1", out wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryBegin("alice", "10.0.0.1", out _)); // one more try, which fails again
        Assert.False(throttle.TryBegin("alice", "10.0.0.1", out wait));
        Assert.Equal(TimeSpan.FromMinutes(1), wait);
        _time.Advance(wait);
        Assert.True(throttle.TryBegin("alice", "10.0.0.1", out _));
        Assert.False(throttle.TryBegin("alice", "10.0.0.1", out wait));
        Assert.Equal(TimeSpan.FromMinutes(2), wait);
    }

    [Fact]
    public void BackoffIsCapped()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SignInThrottle.Backoff(1));
        Assert.Equal(TimeSpan.FromMinutes(8), SignInThrottle.Backoff(5));
        Assert.Equal(SignInThrottle.MaxLockout, SignInThrottle.Backoff(6));
        Assert.Equal(SignInThrottle.MaxLockout, SignInThrottle.Backoff(1000));
    }

    [Fact]
    public void ASourceIsLockedAfterTwentyFailuresOverAnyAccounts()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.SourceThreshold; i++)
        {
            Assert.True(throttle.TryBegin($"user{i}", "10.0.0.9", out _), $"attempt {i + 1}");
        }

        Assert.False(throttle.TryBegin("someone-new", "10.0.0.9", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        Assert.True(throttle.TryBegin("someone-new", "10.0.0.10", out _)); // another address is not affected
    }

    [Fact]
    public void ASuccessResetsTheAccount()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.AccountThreshold - 1; i++)
        {
            Assert.True(throttle.TryBegin("alice", "10.0.0.1", out _));
        }

        Assert.True(throttle.TryBegin("alice", "10.0.0.1", out _)); // the fifth, right this time
        throttle.Succeeded("alice", "10.0.0.1");
        for (var i = 0; i < SignInThrottle.AccountThreshold; i++)
        {
            Assert.True(throttle.TryBegin("alice", "10.0.0.1", out _), $"attempt {i + 1} after the success");
        }

        Assert.False(throttle.TryBegin("alice", "10.0.0.1", out _));
    }

    [Fact]
    public void FailuresOlderThanTheWindowAreForgotten()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.AccountThreshold - 1; i++)
        {
            Assert.True(throttle.TryBegin("alice", null, out _));
        }

        _time.Advance(SignInThrottle.Window + TimeSpan.FromSeconds(1));
        for (var i = 0; i < SignInThrottle.AccountThreshold - 1; i++)
        {
            Assert.True(throttle.TryBegin("alice", null, out _));
        }
    }

    [Fact]
    public void ParallelAttemptsAreThrottledLikeSequentialOnes()
    {
        // 400 in parallel once all got through before any password check ended; attempts are now counted as they begin.
        var throttle = new SignInThrottle(_time);
        var allowed = 0;
        Parallel.For(0, 400, attempt =>
        {
            if (throttle.TryBegin("alice", "10.0.0.1", out _))
            {
                Interlocked.Increment(ref allowed);
            }
        });
        Assert.Equal(SignInThrottle.AccountThreshold, allowed);
    }

    [Fact]
    public void EntriesAreBoundedOldestFirst()
    {
        var throttle = new SignInThrottle(_time, capacity: 4);
        for (var i = 0; i < 100; i++)
        {
            throttle.TryBegin($"user{i}", null, out _);
        }

        Assert.Equal(4, throttle.Count);
        for (var i = 0; i < SignInThrottle.AccountThreshold; i++)
        {
            throttle.TryBegin("alice", null, out _);
        }

        throttle.TryBegin("bob", null, out _); // touches bob; alice is now the oldest but one of four, still held
        Assert.False(throttle.TryBegin("alice", null, out _));
    }

    [Fact]
    public void HugeAccountNamesTakeABoundedKey()
    {
        var throttle = new SignInThrottle(_time);
        var huge = new string('x', 1 << 20);
        for (var i = 0; i < SignInThrottle.AccountThreshold; i++)
        {
            Assert.True(throttle.TryBegin(huge + i, null, out _)); // differ only past the key length: one account
            if (i < SignInThrottle.AccountThreshold - 1)
            {
                Assert.Equal(1, throttle.Count);
            }
        }

        Assert.False(throttle.TryBegin(huge, null, out _));
    }
}
