namespace OrleansRecorder.Silo.Catalog;

/// <summary>Channels in use over time: the most recordings running at once in each period, from their intervals.</summary>
internal static class ChannelUse
{
    /// <summary>
    /// The peak of concurrent <paramref name="intervals"/> in each <paramref name="bucket"/>-long period of [from, to)
    /// (a sweep over the sorted starts and ends; an end and a start at the same instant do not overlap).
    /// </summary>
    public static IReadOnlyList<StatsCount> PeakPerBucket(IReadOnlyList<RecordingInterval> intervals, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bucket, TimeSpan.Zero);
        var count = (int)Math.Ceiling((to - from) / bucket);
        var peaks = new long[Math.Max(0, count)];
        var events = new List<(DateTimeOffset At, int Delta)>(intervals.Count * 2);
        foreach (var i in intervals)
        {
            if (i.End > i.Start)
            {
                events.Add((i.Start, +1));
                events.Add((i.End, -1));
            }
        }

        // Ends before starts at the same instant: a call that ends as the next begins is one channel, not two.
        events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));
        long running = 0;
        var e = 0;
        for (var b = 0; b < peaks.Length; b++)
        {
            var start = from + (bucket * b);
            var end = start + bucket;
            while (e < events.Count && events[e].At <= start)
            {
                running += events[e++].Delta;
            }

            var peak = running;
            while (e < events.Count && events[e].At < end)
            {
                running += events[e++].Delta;
                peak = Math.Max(peak, running);
            }

            peaks[b] = peak;
        }

        return [.. peaks.Select((p, b) => new StatsCount(from + (bucket * b), p))];
    }
}
