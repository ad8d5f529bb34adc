namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// The measured process (recorder or udp-sink) over the run: CPU and packets in the steady state (every call
/// streaming), CPU from before the first call until every recording was listed (or the run's end), and memory.
/// </summary>
internal sealed record MeasureSummary
{
    /// <summary>Legs streaming in the steady window, on average (all of them in a burst; about all with renewed calls).</summary>
    public double SteadyLegs { get; init; }
    public double SteadySeconds { get; init; }
    public double SteadyCpuSeconds { get; init; }
    public long SteadyPacketsSent { get; init; }
    public double SteadyCpuPercent => SteadySeconds > 0 ? 100 * SteadyCpuSeconds / SteadySeconds : 0;
    public double CpuMicrosecondsPerPacket => SteadyPacketsSent > 0 ? 1e6 * SteadyCpuSeconds / SteadyPacketsSent : 0;
    public double SteadyCpuSecondsPerCallHour => SteadyLegs > 0 && SteadySeconds > 0 ? SteadyCpuSeconds / (SteadySeconds * SteadyLegs / 2.0) * 3600 : 0;
    public double TotalSeconds { get; init; }
    public double TotalCpuSeconds { get; init; }
    public double RecordedCallSeconds { get; init; }
    public double TotalCpuSecondsPerCallHour => RecordedCallSeconds > 0 ? TotalCpuSeconds / RecordedCallSeconds * 3600 : 0;
    public long RssBeforeKilobytes { get; init; }
    public long RssSteadyKilobytes { get; init; }
    public long RssPeakKilobytes { get; init; }
    public double RssPerCallKilobytes => SteadyLegs > 0 ? (RssSteadyKilobytes - RssBeforeKilobytes) / (SteadyLegs / 2.0) : 0;

    public static MeasureSummary From(ProcessSampler sampler, ProcessSample before, ProcessSample end, double recordedCallSeconds, double steadyFraction = 1.0)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        var ticks = (double)ProcessSampler.ClockTicks;
        var window = sampler.SteadyWindow(steadyFraction);
        return new MeasureSummary
        {
            SteadyLegs = window?.MeanLegs ?? 0,
            SteadySeconds = window is { } w ? w.Last.Seconds - w.First.Seconds : 0,
            SteadyCpuSeconds = window is { } c ? (c.Last.CpuTicks - c.First.CpuTicks) / ticks : 0,
            SteadyPacketsSent = window is { } p ? p.Last.PacketsSent - p.First.PacketsSent : 0,
            TotalSeconds = end.Seconds - before.Seconds,
            TotalCpuSeconds = (end.CpuTicks - before.CpuTicks) / ticks,
            RecordedCallSeconds = recordedCallSeconds,
            RssBeforeKilobytes = before.RssKilobytes,
            RssSteadyKilobytes = window?.Last.RssKilobytes ?? 0,
            RssPeakKilobytes = sampler.PeakRssKilobytes(),
        };
    }
}
