using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>Non-INVITE server transaction, RFC 3261 §17.2.2, as a pure state machine.</summary>
/// <remarks>Not thread-safe: <see cref="TransactionTable"/> serializes calls.</remarks>
internal sealed class NonInviteServerTransaction : IServerTransaction
{
    private readonly bool _reliable;
    private readonly SipTimerOptions _timers;
    private SipResponse? _lastResponse;

    public NonInviteServerTransaction(TransactionKey key, SipRequest request, bool reliable, SipTimerOptions timers)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(timers);
        Key = key;
        Request = request;
        _reliable = reliable;
        _timers = timers;
    }

    public TransactionKey Key { get; }

    public SipRequest Request { get; }

    public NonInviteServerTransactionState State { get; private set; } = NonInviteServerTransactionState.Trying;

    public bool IsTerminated => State == NonInviteServerTransactionState.Terminated;

    public bool HasFinalResponse => State is NonInviteServerTransactionState.Completed or NonInviteServerTransactionState.Terminated;

    public IReadOnlyList<TransactionEffect> Start() => [TransactionEffect.PassToUser(Request)];

    public IReadOnlyList<TransactionEffect> Handle(TransactionEvent transactionEvent)
    {
        var e = transactionEvent;
        switch (State)
        {
            case NonInviteServerTransactionState.Trying or NonInviteServerTransactionState.Proceeding:
                if (e.Kind == TransactionEventKind.RequestRetransmitted)
                {
                    // RFC 3261 §17.2.2: Trying absorbs retransmissions; Proceeding answers with the last provisional.
                    return _lastResponse is null ? [] : [TransactionEffect.Send(_lastResponse)];
                }

                if (e.Kind != TransactionEventKind.Respond)
                {
                    return [];
                }

                _lastResponse = e.Response!;
                if (e.Response!.IsProvisional)
                {
                    // RFC 3261 §17.2.2: a provisional from the TU → Proceeding.
                    State = NonInviteServerTransactionState.Proceeding;
                    return [TransactionEffect.Send(e.Response)];
                }

                // RFC 3261 §17.2.2: a final response → Completed; Timer J = 64·T1 (unreliable) or 0 (reliable).
                if (_reliable)
                {
                    State = NonInviteServerTransactionState.Terminated;
                    return [TransactionEffect.Send(e.Response), TransactionEffect.Terminate()];
                }

                State = NonInviteServerTransactionState.Completed;
                return [TransactionEffect.Send(e.Response), TransactionEffect.StartTimer(SipTimerKind.J, _timers.SixtyFourT1)];

            case NonInviteServerTransactionState.Completed:
                if (e.Kind == TransactionEventKind.RequestRetransmitted)
                {
                    // RFC 3261 §17.2.2: a retransmission in Completed gets the final response again.
                    return [TransactionEffect.Send(_lastResponse!)];
                }

                if (e.Kind == TransactionEventKind.TimerFired && e.Timer == SipTimerKind.J)
                {
                    State = NonInviteServerTransactionState.Terminated;
                    return [TransactionEffect.Terminate()];
                }

                return [];

            default:
                return [];
        }
    }
}
