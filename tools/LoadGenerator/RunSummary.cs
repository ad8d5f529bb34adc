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
