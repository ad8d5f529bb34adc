using System.Diagnostics.Metrics;

namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>Call-level instruments of the "OrleansRecorder" meter (SIP and RTP have their own classes).</summary>
internal sealed class RecorderMetrics
{
    public const string MeterName = "OrleansRecorder";
    private readonly UpDownCounter<long> _activeCalls;
    private readonly Counter<long> _recordings;
    private readonly Counter<long> _bytesWritten;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _legsWithoutAudio;

    public RecorderMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _activeCalls = meter.CreateUpDownCounter<long>("recorder.calls.active", "{call}", "Calls being recorded on this node.");
        _recordings = meter.CreateCounter<long>("recorder.recordings.finalized", "{recording}", "Recordings finalized.");
        _bytesWritten = meter.CreateCounter<long>("recorder.recording.bytes_written", "By", "Bytes of finalized audio.");
        _rejected = meter.CreateCounter<long>("recorder.calls.rejected", "{dialog}", "Recording dialogs refused, by SIP status.");
        _legsWithoutAudio = meter.CreateCounter<long>(
            "recorder.legs.no_audio", "{leg}", "Answered recording legs that recorded no audio, by reason (no-ack, no-media, wrong-source, unusable-media).");
    }

    public void CallStarted() => _activeCalls.Add(1);

    public void CallEnded() => _activeCalls.Add(-1);

    public void RecordingFinalized(long bytes)
    {
        _recordings.Add(1);
        _bytesWritten.Add(bytes);
    }

    /// <summary>Once per answered leg that ended without audio; <paramref name="reason"/> is one of a few fixed words.</summary>
    public void LegWithoutAudio(string reason) => _legsWithoutAudio.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Rejected(int statusCode) => _rejected.Add(1, new KeyValuePair<string, object?>("status", statusCode));
}
