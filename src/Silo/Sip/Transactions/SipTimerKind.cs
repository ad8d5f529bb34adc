namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>Transaction timers (RFC 3261 §17.1 client, §17.2 server, RFC 6026 §8.7).</summary>
internal enum SipTimerKind
{
    /// <summary>INVITE final non-2xx response retransmit (unreliable transports).</summary>
    G,

    /// <summary>Wait for ACK of a non-2xx final response, 64·T1.</summary>
    H,

    /// <summary>Absorb ACK retransmissions in Confirmed, T4 (0 on reliable transports).</summary>
    I,

    /// <summary>Absorb non-INVITE request retransmissions in Completed, 64·T1 (0 on reliable transports).</summary>
    J,

    /// <summary>RFC 6026: absorb INVITE retransmissions in Accepted, 64·T1.</summary>
    L,

    /// <summary>RFC 3261 §13.3.1.4: retransmit the 2xx until the ACK arrives (T1 doubling up to T2).</summary>
    SuccessRetransmit,

    /// <summary>Non-INVITE client request retransmit (unreliable transports): T1 doubling up to T2, T2 in Proceeding.</summary>
    E,

    /// <summary>Non-INVITE client transaction timeout, 64·T1.</summary>
    F,

    /// <summary>Absorb final response retransmissions in Completed, T4 (0 on reliable transports).</summary>
    K,
}
