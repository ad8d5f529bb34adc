namespace OrleansRecorder.Silo.Calls.Reporting;

/// <summary>The <c>Recorder:Calls</c> section: how the node keeps each call grain up to date.</summary>
internal sealed class CallReportOptions
{
    public const string SectionName = "Recorder:Calls";

    /// <summary>How often an open call's grain gets a fresh report (segment progress, packet figures) without any edge.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the refresh looks for calls whose last report is <see cref="ReportInterval"/> old: a tenth of it, so each
    /// call is refreshed on its own schedule (at most a tenth of the interval late) and a burst of calls set up
    /// together is not refreshed all in one go.
    /// </summary>
    public TimeSpan RefreshTick => ReportInterval / 10;

    /// <summary>How long one report may take before it counts as failed and is retried (the node never waits on it).</summary>
    public TimeSpan ReportTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The pause after a failed report before the latest state is sent again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the last report of an ended call is retried before it is dropped (and counted).</summary>
    public TimeSpan EndedCallGiveUp { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Calls tracked for reporting at once; a call beyond it is not reported (counted as dropped).</summary>
    public int MaxCalls { get; set; } = 20_000;
}
