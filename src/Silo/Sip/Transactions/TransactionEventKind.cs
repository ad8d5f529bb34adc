namespace OrleansRecorder.Silo.Sip.Transactions;

internal enum TransactionEventKind
{
    /// <summary>A retransmission of the request that created the transaction.</summary>
    RequestRetransmitted,

    /// <summary>An ACK matching the INVITE transaction.</summary>
    Ack,

    /// <summary>The TU passes a response to send.</summary>
    Respond,

    /// <summary>A timer started by a <see cref="TransactionEffectKind.StartTimer"/> effect fired.</summary>
    TimerFired,

    /// <summary>A response matching the client transaction arrived (RFC 3261 §17.1.3).</summary>
    ResponseReceived,

    /// <summary>The transport could not send the client transaction's request (RFC 3261 §17.1.4).</summary>
    TransportFailed,
}
