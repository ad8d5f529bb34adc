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
}
