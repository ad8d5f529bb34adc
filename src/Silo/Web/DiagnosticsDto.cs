using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Counters of this node's SIP edge and media, its memory and its catalog backlog. <see cref="RetainedHeapBytes"/> is
/// the managed heap after a forced full, compacting collection: what the process really holds, unlike the working set
/// (which keeps freed pages and grows with the GC's budget). Only filled when asked (<c>?collect=true</c>), because
/// the collection pauses the process for a moment. <see cref="Stalls"/>: the longest waits of the last minute for a
/// thread-pool thread, for the CPU and for the GC (null where the monitor is not running). <see cref="SegmentSync"/>: how the
/// segments of calls in progress were forced to disk since start.
/// </summary>
internal sealed record DiagnosticsDto(
    long SipMessagesReceived,
    long SipParseErrors,
    long SipDropped,
    long SipThrottled,
    long SipHandlerErrors,
    long SipActiveTransactions,
    int RtpPortsInUse,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    long? RetainedHeapBytes,
    int CatalogPending,
    DateTimeOffset? CatalogUnreachableSince,
    RtpReceiveDto? RtpReceive,
    GcDto Gc,
    JitDto Jit,
    ThreadPoolDto ThreadPool,
    SegmentSyncDto? SegmentSync,
    Media.Codecs.CodecAvailability Codecs,
    RuntimeStalls? Stalls);
