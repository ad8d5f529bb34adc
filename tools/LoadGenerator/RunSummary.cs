namespace OrleansRecorder.LoadGenerator;

/// <summary>The figures of one run, printed and optionally written as JSON for the capacity script.</summary>
internal sealed record RunSummary
{
    public int CallsPlaced { get; init; }
    public int CallsAnswered { get; init; }
    public int CallsFailed { get; init; }
    public int ByeFailures { get; init; }
    public int MaxConcurrentCalls { get; init; }
    public double InviteLatencyP50Ms { get; init; }
    public double InviteLatencyP99Ms { get; init; }
    public double InviteLatencyMaxMs { get; init; }

    /// <summary>Legs answered with a final status of 300 or more, by status.</summary>
    public IReadOnlyDictionary<int, int> LegsRefused { get; init; } = new SortedDictionary<int, int>();

    /// <summary>Calls with one leg answered and the other refused or unanswered.</summary>
    public int CallsHalfAnswered { get; init; }

    public double RefusalLatencyP50Ms { get; init; }
    public double RefusalLatencyP99Ms { get; init; }
    public long RtpPacketsSent { get; init; }
    public long RtpSendErrors { get; init; }
    public long Ticks { get; init; }
    public long SendLateTicks { get; init; }
    public double LateThresholdMs { get; init; }
    public double MaxTickLateMs { get; init; }
    public long SipParseErrors { get; init; }
    public double WallSeconds { get; init; }
    public bool TimedOut { get; init; }
    public VerifySummary? Verify { get; init; }
    public MeasureSummary? Measured { get; init; }
}
