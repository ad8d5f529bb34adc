using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>An input to a transaction state machine (server or client).</summary>
internal readonly record struct TransactionEvent(
    TransactionEventKind Kind, SipRequest? Request = null, SipResponse? Response = null, SipTimerKind Timer = default)
{
    public static TransactionEvent Retransmission(SipRequest request) => new(TransactionEventKind.RequestRetransmitted, Request: request);

    public static TransactionEvent Ack(SipRequest ack) => new(TransactionEventKind.Ack, Request: ack);

    public static TransactionEvent Respond(SipResponse response) => new(TransactionEventKind.Respond, Response: response);

    public static TransactionEvent TimerFired(SipTimerKind timer) => new(TransactionEventKind.TimerFired, Timer: timer);

    public static TransactionEvent ResponseReceived(SipResponse response) =>
        new(TransactionEventKind.ResponseReceived, Response: response);

    public static TransactionEvent TransportFailed() => new(TransactionEventKind.TransportFailed);
}
