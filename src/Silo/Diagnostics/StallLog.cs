namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>Runtime stall logs (EventIds 18000–18099): at most one per stall, so a starved node does not flood its log.</summary>
internal static partial class StallLog
{
    [LoggerMessage(18000, LogLevel.Warning,
        "Runtime stall: {Kind} of {Milliseconds:F0} ms (peers' membership probes go unanswered as long; PERFORMANCE.md \"Membership under load\")")]
    public static partial void Stalled(ILogger logger, string kind, double milliseconds);
}
