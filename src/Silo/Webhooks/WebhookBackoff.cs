namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// When the next attempt of a failed delivery is due: <c>initial × 2^(attempts − 1)</c>, capped at the maximum.
/// </summary>
/// <remarks>
/// Hand-written rather than a Polly retry pipeline: the retries must outlive the process and move between nodes, so the
/// schedule is a column of the outbox row (<c>next_attempt_at</c>), not an in-memory loop. Polly would only compute this
/// number. No jitter: one recorder sends few events, and a fixed schedule is what the delivery log shows an operator.
/// </remarks>
internal static class WebhookBackoff
{
    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public static TimeSpan DelayAfter(int attempts, TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        // 2^30 × any positive delay is already beyond every sane maximum: stop doubling before the ticks overflow.
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var ticks = initial.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The whole schedule for <paramref name="maxAttempts"/> attempts: the waits between them (one fewer than attempts).</summary>
    public static IReadOnlyList<TimeSpan> Schedule(int maxAttempts, TimeSpan initial, TimeSpan max) =>
        [.. Enumerable.Range(1, Math.Max(0, maxAttempts - 1)).Select(a => DelayAfter(a, initial, max))];
}
