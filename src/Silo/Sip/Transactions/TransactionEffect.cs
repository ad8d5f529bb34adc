using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>
/// An output of a transaction state machine, applied by <see cref="TransactionTable"/> (server) or
/// <see cref="ClientTransactionTable"/> (client).
/// </summary>
internal readonly record struct TransactionEffect(
    TransactionEffectKind Kind,
    SipResponse? Response = null,
    SipRequest? Request = null,
    SipTimerKind Timer = default,
    TimeSpan Delay = default,
    TransactionTermination Termination = TransactionTermination.Normal)
{
    public static TransactionEffect Send(SipResponse response) => new(TransactionEffectKind.Send, Response: response);

    public static TransactionEffect StartTimer(SipTimerKind timer, TimeSpan delay) =>
        new(TransactionEffectKind.StartTimer, Timer: timer, Delay: delay);

    public static TransactionEffect StopTimer(SipTimerKind timer) => new(TransactionEffectKind.StopTimer, Timer: timer);

    public static TransactionEffect PassToUser(SipRequest request) => new(TransactionEffectKind.PassToUser, Request: request);

    public static TransactionEffect Terminate(TransactionTermination reason = TransactionTermination.Normal) =>
        new(TransactionEffectKind.Terminate, Termination: reason);

    public static TransactionEffect SendRequest(SipRequest request) => new(TransactionEffectKind.SendRequest, Request: request);

    public static TransactionEffect PassResponseToUser(SipResponse response) =>
        new(TransactionEffectKind.PassResponseToUser, Response: response);
}
