using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>Dialog-layer instruments: requests refused by the checks, BYEs we sent, by a bounded set of reasons.</summary>
internal sealed class DialogMetrics
{
    private readonly Counter<long> _refused;
    private readonly Counter<long> _byeSent;

    public DialogMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(SipMetrics.MeterName);
        _refused = meter.CreateCounter<long>("recorder.sip.dialog.refused", "{request}",
            "Requests the dialog layer answered or dropped instead of passing on (no dialog, wrong source, CSeq, merged, Require).");
        _byeSent = meter.CreateCounter<long>("recorder.sip.dialog.bye_sent", "{request}",
            "BYEs the recorder sent to end a dialog, by reason.");
    }

    /// <summary>Refused requests since start, for tests and diagnostics.</summary>
    public long RefusedTotal => Interlocked.Read(ref _refusedTotal);

    private long _refusedTotal;

    public void Refused(string reason)
    {
        Interlocked.Increment(ref _refusedTotal);
        _refused.Add(1, new TagList { { "reason", reason } });
    }

    public void ByeSent(string reason) => _byeSent.Add(1, new TagList { { "reason", reason } });
}
