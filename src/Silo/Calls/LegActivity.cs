namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Whether a leg's peer is sending media (PROTOCOL.md §1.7: a direction change keeps the leg): a re-INVITE or UPDATE
/// whose SDP says <c>inactive</c> or <c>recvonly</c> pauses it, a later <c>sendonly</c> or <c>sendrecv</c> resumes it.
/// </summary>
/// <remarks>
/// The media watchdog reads <see cref="MediaIdleTime"/>: a paused leg is never idle, and after a resume the silence of
/// the hold does not count. Timestamps are <see cref="TimeProvider.GetTimestamp"/> values of the caller's clock.
/// </remarks>
internal sealed class LegActivity
{
    private readonly Lock _lock = new();
    private bool _paused;
    private long? _resumedAt;

    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _paused;
            }
        }
    }

    /// <summary>Sets the state at <paramref name="timestamp"/>; true when it changed (paused → sending or back).</summary>
    public bool SetPaused(bool paused, long timestamp)
    {
        lock (_lock)
        {
            if (_paused == paused)
            {
                return false;
            }

            _paused = paused;
            if (!paused)
            {
                _resumedAt = timestamp;
            }

            return true;
        }
    }

    /// <summary>
    /// How long the leg has been without media for the watchdog: null while paused; otherwise the receiver's idle time,
    /// but no longer than the time since the last resume.
    /// </summary>
    public TimeSpan? MediaIdleTime(TimeSpan receiverIdle, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        lock (_lock)
        {
            if (_paused)
            {
                return null;
            }

            if (_resumedAt is not { } resumedAt)
            {
                return receiverIdle;
            }

            var sinceResume = timeProvider.GetElapsedTime(resumedAt);
            return sinceResume < receiverIdle ? sinceResume : receiverIdle;
        }
    }
}
