namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// The stalls of one kind (thread-pool queue delay, timer lateness or GC pause) seen over the last <c>window</c>: a
/// fixed ring of timestamped samples, so recording one costs no allocation, and the largest since start. Older samples
/// fall out of the summary by time, and out of the ring when more than its capacity arrive within the window (then the
/// summary covers the newest <c>capacity</c> samples).
/// </summary>
internal sealed class StallWindow(TimeProvider timeProvider, TimeSpan window, int capacity)
{
    private readonly Lock _lock = new();
    private readonly long[] _timestamps = new long[capacity];
    private readonly double[] _milliseconds = new double[capacity];
    private int _next;
    private int _count;
    private double _maxSinceStart;
    private long _samplesSinceStart;

    public void Record(double milliseconds)
    {
        var now = timeProvider.GetTimestamp();
        lock (_lock)
        {
            _timestamps[_next] = now;
            _milliseconds[_next] = milliseconds;
            _next = (_next + 1) % _timestamps.Length;
            _count = Math.Min(_count + 1, _timestamps.Length);
            _samplesSinceStart++;
            _maxSinceStart = Math.Max(_maxSinceStart, milliseconds);
        }
    }

    /// <summary>The samples of the last window (max, nearest-rank p99, count) and the largest since start.</summary>
    public StallSummary Summarize()
    {
        var now = timeProvider.GetTimestamp();
        var recent = new double[capacity];
        int n = 0;
        double maxSinceStart;
        long samplesSinceStart;
        lock (_lock)
        {
            for (var i = 0; i < _count; i++)
            {
                var slot = (_next - 1 - i + _timestamps.Length) % _timestamps.Length;
                if (timeProvider.GetElapsedTime(_timestamps[slot], now) > window)
                {
                    break; // the ring is in time order, newest first from here
                }

                recent[n++] = _milliseconds[slot];
            }

            maxSinceStart = _maxSinceStart;
            samplesSinceStart = _samplesSinceStart;
        }

        if (n == 0)
        {
            return new StallSummary(0, 0, 0, maxSinceStart, samplesSinceStart);
        }

        Array.Sort(recent, 0, n);
        var rank = (int)Math.Ceiling(0.99 * n) - 1;
        return new StallSummary(recent[n - 1], recent[rank], n, maxSinceStart, samplesSinceStart);
    }
}
