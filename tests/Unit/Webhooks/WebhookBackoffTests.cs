using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>The retry schedule: doubling from the initial delay, capped, one wait fewer than attempts.</summary>
public sealed class WebhookBackoffTests
{
    [Fact]
    public void DelaysDoubleFromTheInitialDelay()
    {
        var schedule = WebhookBackoff.Schedule(6, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Assert.Equal([1, 2, 4, 8, 16], schedule.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void DelaysStopAtTheMaximum()
    {
        var schedule = WebhookBackoff.Schedule(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.Equal([1, 2, 4, 8, 16, 20, 20, 20, 20], schedule.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void VeryLateAttemptsDoNotOverflow()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), WebhookBackoff.DelayAfter(int.MaxValue, TimeSpan.FromDays(1), TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromMinutes(5), WebhookBackoff.DelayAfter(1000, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void OneAttemptHasNoWaitAndAttemptsCountFromOne()
    {
        Assert.Empty(WebhookBackoff.Schedule(1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookBackoff.DelayAfter(0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void OptionsRefuseUnusableValues()
    {
        Assert.Empty(new WebhookOptions().Validate());
        Assert.NotEmpty(new WebhookOptions { MaxAttempts = 0 }.Validate());
        Assert.NotEmpty(new WebhookOptions { InitialRetryDelay = TimeSpan.FromMinutes(10), MaxRetryDelay = TimeSpan.FromMinutes(1) }.Validate());
        Assert.NotEmpty(new WebhookOptions { Timeout = TimeSpan.Zero }.Validate());
        Assert.NotEmpty(new WebhookOptions { PollInterval = TimeSpan.Zero }.Validate());
    }
}
