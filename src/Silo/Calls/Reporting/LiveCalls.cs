using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls.Reporting;

/// <summary>Builds the <see cref="LiveCall"/> of a recording active on this node: what its call grain and the API show.</summary>
internal static class LiveCalls
{
    public static LiveCall Of(ActiveRecording recording, long version, RecordingStatus? status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var info = recording.Info;
        var legs = recording.Legs;
        var near = legs.FirstOrDefault(l => l.Channel == 0);
        var far = legs.FirstOrDefault(l => l.Channel == 1);
        var flags = new List<string>();
        foreach (var leg in legs)
        {
            if (leg.EndFlag is { } flag)
            {
                flags.Add($"{leg.Channel switch { 0 => "near-end", 1 => "far-end", _ => "stream-" + leg.PauseLeg }}-{flag}");
            }
        }

        return new LiveCall(
            recording.RecordingId,
            recording.PairingKey,
            info.RecordedBy,
            info.Metadata,
            info.StartedAt,
            LegOf(recording, near),
            LegOf(recording, far),
            StateOf(recording, legs, status),
            flags,
            version,
            now,
            status);
    }

    /// <summary>Ended once finalizing began; paused by an operator; held when every open leg is on hold.</summary>
    private static LiveCallState StateOf(ActiveRecording recording, IReadOnlyList<CallLeg> legs, RecordingStatus? status)
    {
        if (status is not null || recording.IsFinalizing)
        {
            return LiveCallState.Ended;
        }

        if (recording.OperatorPause is not null)
        {
            return LiveCallState.Paused;
        }

        var open = legs.Where(l => !l.Ended).ToList();
        return open.Count > 0 && open.All(l => l.Activity.IsPaused) ? LiveCallState.Held : LiveCallState.Recording;
    }

    private static LiveLeg? LegOf(ActiveRecording recording, CallLeg? leg)
    {
        if (leg is null)
        {
            return null;
        }

        var stats = leg.Receiver.GetStats();
        return new LiveLeg(
            leg.CallId,
            leg.Media?.Codec.ToString().ToLowerInvariant(),
            leg.Activity.IsPaused,
            leg.Ended,
            stats.PacketsReceived,
            stats.PacketsLost,
            (double)stats.SamplesWritten / recording.Session.SampleRateOf(leg.Channel));
    }
}
