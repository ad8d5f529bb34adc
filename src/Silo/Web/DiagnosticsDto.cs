namespace OrleansRecorder.Silo.Web;

/// <summary>Counters of this node's SIP edge and media, and its memory.</summary>
internal sealed record DiagnosticsDto(
    long SipMessagesReceived,
    long SipParseErrors,
    long SipDropped,
    long SipThrottled,
    long SipHandlerErrors,
    long SipActiveTransactions,
    int RtpPortsInUse,
    long WorkingSetBytes,
    long ManagedHeapBytes);
