using System.Diagnostics.Metrics;

namespace OrleansRecorder.Silo.Media;

/// <summary>RTP counters on the "OrleansRecorder" meter. Every method is allocation-free (tags are cached), so it may be called per packet.</summary>
internal sealed class MediaMetrics
{
    public const string MeterName = "OrleansRecorder";

    private static readonly KeyValuePair<string, object?> WrongSourceTag = new("reason", "wrong_source");
    private static readonly KeyValuePair<string, object?> MalformedTag = new("reason", "malformed");
    private static readonly KeyValuePair<string, object?> LateTag = new("reason", "late");
    private static readonly KeyValuePair<string, object?> DuplicateTag = new("reason", "duplicate");
    private static readonly KeyValuePair<string, object?> UnknownPayloadTypeTag = new("reason", "unknown_pt");
    private static readonly KeyValuePair<string, object?> AuthenticationFailedTag = new("reason", "auth_failed");
    private static readonly KeyValuePair<string, object?> ReplayedTag = new("reason", "replayed");

    private readonly Counter<long> _received;
    private readonly Counter<long> _lost;
    private readonly Counter<long> _dropped;

    public MediaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("recorder.rtp.packets.received", "{packet}", "RTP datagrams received on recording ports");
        _lost = meter.CreateCounter<long>("recorder.rtp.packets.lost", "{packet}", "RTP packets missing from the sequence (filled with silence)");
        _dropped = meter.CreateCounter<long>("recorder.rtp.packets.dropped", "{packet}", "RTP datagrams received but not recorded");
    }

    public void PacketReceived() => _received.Add(1);

    public void PacketsLost(long count) => _lost.Add(count);

    public void PacketDropped(RtpDropReason reason) => _dropped.Add(1, reason switch
    {
        RtpDropReason.WrongSource => WrongSourceTag,
        RtpDropReason.Malformed => MalformedTag,
        RtpDropReason.Late => LateTag,
        RtpDropReason.Duplicate => DuplicateTag,
        RtpDropReason.AuthenticationFailed => AuthenticationFailedTag,
        RtpDropReason.Replayed => ReplayedTag,
        _ => UnknownPayloadTypeTag,
    });
}
