namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>Why a transaction ended.</summary>
internal enum TransactionTermination
{
    /// <summary>Normal end (timers I, J or L after an ACK, or a zero timer on a reliable transport).</summary>
    Normal,

    /// <summary>Timer H fired: the ACK for a non-2xx final response never came (RFC 3261 §17.2.1).</summary>
    AckNotReceived,

    /// <summary>Timer L fired while the 2xx was still unacknowledged (RFC 3261 §13.3.1.4): the TU should send BYE.</summary>
    SuccessAckTimeout,

    /// <summary>Client transaction: Timer F fired before a final response (RFC 3261 §17.1.2.2).</summary>
    Timeout,

    /// <summary>Client transaction: the transport could not send the request (RFC 3261 §17.1.4).</summary>
    TransportError,
}
