using System.Diagnostics.Metrics;
using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Silo.Calls.Reporting;

/// <summary>How the node's reports to call grains fare (a grain that does not answer never holds a call up, so it shows here).</summary>
internal sealed class CallReportMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;

    public CallReportMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(RecorderMetrics.MeterName);
        _sent = meter.CreateCounter<long>("recorder.call_grain.reports", "{report}", "Call states delivered to call grains.");
        _failed = meter.CreateCounter<long>("recorder.call_grain.report_failures", "{report}", "Call grain reports that failed or timed out (retried).");
        _dropped = meter.CreateCounter<long>("recorder.call_grain.reports_dropped", "{call}", "Calls whose grain was never told their end, or not tracked at all (bound reached).");
    }

    public void Sent() => _sent.Add(1);

    public void Failed() => _failed.Add(1);

    public void Dropped() => _dropped.Add(1);
}
