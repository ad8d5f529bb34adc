using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansRecorder.Silo.Storage;

/// <summary>Replication instruments of the "OrleansRecorder" meter.</summary>
/// <remarks>Tags: <c>target</c> = <c>node</c> (a peer's store), <c>shared</c> or <c>local</c> (a pull); <c>mode</c> = <c>live</c>, <c>catchup</c> or <c>fetch</c>.</remarks>
internal sealed class ReplicationMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _bytes;
    private long _bytesTotal;
    private long _failuresTotal;

    public ReplicationMetrics(IMeterFactory meterFactory, Func<long>? backlog = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("OrleansRecorder");
        _duration = meter.CreateHistogram<double>("recorder.replication.duration", "s", "Time to copy one recording to one target.");
        _failures = meter.CreateCounter<long>("recorder.replication.failures", "{failure}", "Failed copies of a recording to a target (retried).");
        _bytes = meter.CreateCounter<long>("recorder.replication.bytes", "By", "Audio bytes copied to other stores.");
        if (backlog is not null)
        {
            meter.CreateObservableGauge("recorder.replication.backlog", backlog, "{recording}", "Recordings waiting to be replicated from this node.");
        }
    }

    /// <summary>Audio bytes this node copied (pushed, uploaded or pulled) since start.</summary>
    public long BytesReplicated => Interlocked.Read(ref _bytesTotal);

    /// <summary>Failed copies since start.</summary>
    public long Failures => Interlocked.Read(ref _failuresTotal);

    public void Copied(string target, string mode, long bytes, TimeSpan elapsed)
    {
        var tags = new TagList { { "target", target }, { "mode", mode } };
        _duration.Record(elapsed.TotalSeconds, tags);
        _bytes.Add(bytes, tags);
        Interlocked.Add(ref _bytesTotal, bytes);
    }

    public void Failed(string target, string mode)
    {
        _failures.Add(1, new TagList { { "target", target }, { "mode", mode } });
        Interlocked.Increment(ref _failuresTotal);
    }
}
