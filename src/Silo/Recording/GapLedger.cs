namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Builds a recording's gap ledger (issue #15): for each channel, every interval of the call in which the recording
/// holds nothing from its party, with why. Counted in samples at the recording's rate so that, per channel, received
/// audio plus gaps is the call's length exactly (<see cref="RecordingGap"/>).
/// </summary>
internal static class GapLedger
{
    /// <summary>
    /// Packet-loss and silent-sender gaps listed one by one per channel; beyond this, the rest are summed into one entry
    /// per reason. A call with steady light loss would otherwise carry thousands of entries into its manifest and catalog.
    /// </summary>
    public const int MaxListedPerChannel = 200;

    /// <summary>
    /// The call's length in samples at <paramref name="rate"/>: from its start to its end, or as long as what was written
    /// if the senders' clocks ran ahead of ours (the audio is then longer than the wall-clock call).
    /// </summary>
    public static long CallSamples(DateTimeOffset startedAt, DateTimeOffset endedAt, long headSamples, long frames, int rate) =>
        Math.Max(ToSamples(endedAt - startedAt, rate), headSamples + frames);

    /// <summary>Samples from the call's start to the audio's first sample (none if the audio starts at or before it).</summary>
    public static long HeadSamples(DateTimeOffset startedAt, DateTimeOffset audioZero, int rate) =>
        Math.Max(0, ToSamples(audioZero - startedAt, rate));

    public static IReadOnlyList<RecordingGap> Build(
        IReadOnlyList<GapChannel> channels,
        IReadOnlyList<RecordingPause> placedPauses,
        long headSamples,
        long callSamples,
        int rate,
        string? endReason)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(placedPauses);
        var gaps = new List<RecordingGap>();
        foreach (var channel in channels)
        {
            if (channel.Samples == 0)
            {
                // Nothing from this party at all: the whole call, before, within and after the other channel's audio.
                Add(gaps, channel, RecordingGap.NoMediaReason, -headSamples, callSamples, rate);
                continue;
            }

            if (headSamples > 0)
            {
                Add(gaps, channel, RecordingGap.NoMediaReason, -headSamples, headSamples, rate);
            }

            if (channel.Lead > 0)
            {
                Add(gaps, channel, RecordingGap.LateLegReason, 0, channel.Lead, rate);
            }

            AddJournal(gaps, channel, placedPauses, rate);

            var tail = callSamples - headSamples - channel.Lead - channel.Samples;
            if (tail > 0)
            {
                var reason = channel.EndReason ?? endReason ?? RecordingGap.NoMediaReason;
                foreach (var (start, samples, pauseReason) in SplitByPauses(placedPauses, channel.Leg, channel.Lead + channel.Samples, tail, rate))
                {
                    Add(gaps, channel, pauseReason ?? reason, start, samples, rate);
                }
            }
        }

        return gaps;
    }

    private static void AddJournal(List<RecordingGap> gaps, GapChannel channel, IReadOnlyList<RecordingPause> pauses, int rate)
    {
        var listed = 0;
        var rest = new Dictionary<string, RecordingGap>(StringComparer.Ordinal);
        foreach (var gap in channel.Journal)
        {
            var start = channel.Lead + (gap.Offset * channel.Scale);
            var samples = Math.Min(gap.Samples * channel.Scale, channel.Samples - (gap.Offset * channel.Scale));
            if (samples <= 0)
            {
                continue;
            }

            if (gap.Kind == LegGapJournal.OperatorKind)
            {
                Add(gaps, channel, RecordingPause.OperatorReason, start, samples, rate);
                continue;
            }

            var fillReason = gap.Kind == LegGapJournal.SilentKind ? RecordingGap.NoMediaReason : RecordingGap.PacketLossReason;
            foreach (var (partStart, partSamples, pauseReason) in SplitByPauses(pauses, channel.Leg, start, samples, rate))
            {
                if (pauseReason is not null || listed < MaxListedPerChannel)
                {
                    listed += pauseReason is null ? 1 : 0;
                    Add(gaps, channel, pauseReason ?? fillReason, partStart, partSamples, rate);
                    continue;
                }

                rest[fillReason] = rest.TryGetValue(fillReason, out var sum)
                    ? sum with { Samples = sum.Samples + partSamples, DurationSeconds = Seconds(sum.Samples + partSamples, rate), Count = sum.Count + 1 }
                    : Gap(channel, fillReason, partStart, partSamples, rate);
            }
        }

        gaps.AddRange(rest.Values.OrderBy(g => g.StartSample));
    }

    /// <summary>
    /// A filled silence cut where this leg's pauses begin and end: the part inside a pause (a hold: the peer sent nothing
    /// by agreement and the receiver filled the time when it sent again) takes the pause's reason, the rest none (null).
    /// Parts in order, together exactly the interval.
    /// </summary>
    private static List<(long Start, long Samples, string? Reason)> SplitByPauses(
        IReadOnlyList<RecordingPause> pauses, string leg, long start, long samples, int rate)
    {
        var parts = new List<(long, long, string?)>();
        var at = start;
        var end = start + samples;
        foreach (var (pauseStart, pauseEnd, reason) in pauses
            .Where(p => p.Leg == leg && p.OffsetSeconds is not null && p.DurationSeconds is not null)
            .Select(p => (Start: (long)Math.Round(p.OffsetSeconds!.Value * rate), End: (long)Math.Round((p.OffsetSeconds!.Value + p.DurationSeconds!.Value) * rate), p.Reason))
            .Where(p => p.End > at && p.Start < end)
            .OrderBy(p => p.Start))
        {
            var from = Math.Max(pauseStart, at);
            if (pauseEnd <= at)
            {
                continue; // inside a part already cut by an earlier, overlapping pause
            }

            if (from > at)
            {
                parts.Add((at, from - at, null));
            }

            var to = Math.Min(pauseEnd, end);
            parts.Add((from, to - from, reason));
            at = to;
        }

        if (at < end)
        {
            parts.Add((at, end - at, null));
        }

        return parts;
    }

    private static void Add(List<RecordingGap> gaps, GapChannel channel, string reason, long start, long samples, int rate) =>
        gaps.Add(Gap(channel, reason, start, samples, rate));

    private static RecordingGap Gap(GapChannel channel, string reason, long start, long samples, int rate) => new()
    {
        Leg = channel.Leg,
        Channel = channel.Channel,
        Reason = reason,
        StartSample = start,
        Samples = samples,
        OffsetSeconds = Seconds(start, rate),
        DurationSeconds = Seconds(samples, rate),
    };

    private static double Seconds(long samples, int rate) => Math.Round((double)samples / rate, 3);

    private static long ToSamples(TimeSpan span, int rate) => (long)Math.Round(span.TotalSeconds * rate, MidpointRounding.AwayFromZero);
}
