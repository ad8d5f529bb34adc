namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// Lets at most one forced full collection (<c>GET /api/diagnostics?collect=true</c>) through per
/// <c>interval</c> on this node. A forced collection blocks every managed thread, the RTP receive loops included:
/// 50 requests in 2.8 s took the node's GC pause total from 205 ms to 1,656 ms. The gate is per process because the
/// pause is.
/// </summary>
internal sealed class ForcedCollectionGate(TimeProvider timeProvider, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long? _lastAllowed;

    /// <summary>
    /// True, and the window restarts, when a collection may run now; else false with the time until the next one may.
    /// Concurrent callers are serialised, so a burst lets exactly one through.
    /// </summary>
    public bool TryEnter(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            if (_lastAllowed is { } last && interval > TimeSpan.Zero)
            {
                var elapsed = timeProvider.GetElapsedTime(last);
                if (elapsed < interval)
                {
                    retryAfter = interval - elapsed;
                    return false;
                }
            }

            _lastAllowed = timeProvider.GetTimestamp();
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
