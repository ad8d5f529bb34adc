using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>
/// INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026 (Accepted state, Timer L), as a pure state machine.
/// </summary>
/// <remarks>
/// The 2xx retransmission of RFC 3261 §13.3.1.4 (a UAS core duty) lives in the Accepted state here, on timer
/// <see cref="SipTimerKind.SuccessRetransmit"/>: T1, doubling up to T2, until an ACK arrives. The RFC does not exempt
/// reliable transports (the 2xx may cross UDP hops behind a proxy), so it runs on TCP too. Timer L (64·T1) ends the
/// transaction; if no ACK came by then, it terminates with <see cref="TransactionTermination.SuccessAckTimeout"/> so
/// the TU can end the dialog. Not thread-safe: <see cref="TransactionTable"/> serializes calls.
/// </remarks>
internal sealed class InviteServerTransaction : IServerTransaction
{
    private readonly bool _reliable;
    private readonly SipTimerOptions _timers;
    private SipResponse? _lastProvisional;
    private SipResponse? _finalResponse;
    private TimeSpan _retransmitInterval;
    private bool _ackReceived;

    public InviteServerTransaction(TransactionKey key, SipRequest invite, bool reliable, SipTimerOptions timers)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(timers);
        Key = key;
        Request = invite;
        _reliable = reliable;
        _timers = timers;
    }

    public TransactionKey Key { get; }

    public SipRequest Request { get; }

    public InviteServerTransactionState State { get; private set; } = InviteServerTransactionState.Proceeding;

    public bool IsTerminated => State == InviteServerTransactionState.Terminated;

    public bool HasFinalResponse => _finalResponse is not null;

    /// <summary>The final response sent, if any.</summary>
    public SipResponse? FinalResponse => _finalResponse;

    public IReadOnlyList<TransactionEffect> Start()
    {
        // RFC 3261 §17.2.1: a 100 (Trying) is owed only if the TU has not answered within 200 ms. The stack sends it
        // then, and only once the handling has picked the INVITE up: a node too busy or hung to get that far stays
        // silent, so CUCM keeps retransmitting and moves to the next trunk of its route list (PROTOCOL.md §2.3).
        // A retransmitted INVITE before any provisional is absorbed without an answer.
        return [TransactionEffect.PassToUser(Request)];
    }

    public IReadOnlyList<TransactionEffect> Handle(TransactionEvent transactionEvent) => State switch
    {
        InviteServerTransactionState.Proceeding => HandleProceeding(transactionEvent),
        InviteServerTransactionState.Completed => HandleCompleted(transactionEvent),
        InviteServerTransactionState.Confirmed => HandleConfirmed(transactionEvent),
        InviteServerTransactionState.Accepted => HandleAccepted(transactionEvent),
        _ => [],
    };

    private IReadOnlyList<TransactionEffect> HandleProceeding(TransactionEvent e)
    {
        switch (e.Kind)
        {
            case TransactionEventKind.RequestRetransmitted when _lastProvisional is not null:
                // RFC 3261 §17.2.1: a retransmitted INVITE in Proceeding gets the most recent provisional response.
                return [TransactionEffect.Send(_lastProvisional)];
            case TransactionEventKind.Respond when e.Response!.IsProvisional:
                _lastProvisional = e.Response;
                return [TransactionEffect.Send(e.Response)];
            case TransactionEventKind.Respond when e.Response!.IsSuccess:
                // RFC 6026 §7.1: 2xx from the TU → Accepted, Timer L = 64·T1. RFC 3261 §13.3.1.4: retransmit from T1.
                _finalResponse = e.Response;
                State = InviteServerTransactionState.Accepted;
                _retransmitInterval = _timers.T1;
                return
                [
                    TransactionEffect.Send(e.Response),
                    TransactionEffect.StartTimer(SipTimerKind.L, _timers.SixtyFourT1),
                    TransactionEffect.StartTimer(SipTimerKind.SuccessRetransmit, _retransmitInterval),
                ];
            case TransactionEventKind.Respond:
                // RFC 3261 §17.2.1: 300-699 from the TU → Completed; Timer G = T1 on unreliable transports; Timer H = 64·T1.
                _finalResponse = e.Response;
                State = InviteServerTransactionState.Completed;
                _retransmitInterval = _timers.T1;
                return _reliable
                    ? [TransactionEffect.Send(e.Response!), TransactionEffect.StartTimer(SipTimerKind.H, _timers.SixtyFourT1)]
                    :
                    [
                        TransactionEffect.Send(e.Response!),
                        TransactionEffect.StartTimer(SipTimerKind.G, _retransmitInterval),
                        TransactionEffect.StartTimer(SipTimerKind.H, _timers.SixtyFourT1),
                    ];
            default:
                return [];
        }
    }

    private IReadOnlyList<TransactionEffect> HandleCompleted(TransactionEvent e)
    {
        switch (e.Kind)
        {
            case TransactionEventKind.RequestRetransmitted:
                // RFC 3261 §17.2.1: a retransmitted INVITE in Completed gets the final response again.
                return [TransactionEffect.Send(_finalResponse!)];
            case TransactionEventKind.TimerFired when e.Timer == SipTimerKind.G:
                // RFC 3261 §17.2.1: Completed + Timer G → retransmit, interval doubled up to T2.
                _retransmitInterval = _timers.NextInterval(_retransmitInterval);
                return [TransactionEffect.Send(_finalResponse!), TransactionEffect.StartTimer(SipTimerKind.G, _retransmitInterval)];
            case TransactionEventKind.TimerFired when e.Timer == SipTimerKind.H:
                // RFC 3261 §17.2.1: Timer H fires in Completed → Terminated; the ACK never came.
                State = InviteServerTransactionState.Terminated;
                return [TransactionEffect.StopTimer(SipTimerKind.G), TransactionEffect.Terminate(TransactionTermination.AckNotReceived)];
            case TransactionEventKind.Ack:
                // RFC 3261 §17.2.1: ACK in Completed → Confirmed; Timer I = T4 (unreliable) or 0 (reliable).
                if (_reliable)
                {
                    State = InviteServerTransactionState.Terminated;
                    return [TransactionEffect.StopTimer(SipTimerKind.H), TransactionEffect.Terminate()];
                }

                State = InviteServerTransactionState.Confirmed;
                return
                [
                    TransactionEffect.StopTimer(SipTimerKind.G),
                    TransactionEffect.StopTimer(SipTimerKind.H),
                    TransactionEffect.StartTimer(SipTimerKind.I, _timers.T4),
                ];
            default:
                return [];
        }
    }

    private IReadOnlyList<TransactionEffect> HandleConfirmed(TransactionEvent e)
    {
        // RFC 3261 §17.2.1: Confirmed absorbs ACKs; Timer I → Terminated.
        if (e.Kind == TransactionEventKind.TimerFired && e.Timer == SipTimerKind.I)
        {
            State = InviteServerTransactionState.Terminated;
            return [TransactionEffect.Terminate()];
        }

        return [];
    }

    private IReadOnlyList<TransactionEffect> HandleAccepted(TransactionEvent e)
    {
        switch (e.Kind)
        {
            case TransactionEventKind.Ack:
                // RFC 6026 §7.1: ACKs received in Accepted are passed to the TU. The first one ends 2xx retransmission.
                if (_ackReceived)
                {
                    return [TransactionEffect.PassToUser(e.Request!)];
                }

                _ackReceived = true;
                return [TransactionEffect.StopTimer(SipTimerKind.SuccessRetransmit), TransactionEffect.PassToUser(e.Request!)];
            case TransactionEventKind.Respond when e.Response!.IsSuccess:
                // RFC 6026 §7.1: further 2xx from the TU are sent in Accepted.
                return [TransactionEffect.Send(e.Response)];
            case TransactionEventKind.TimerFired when e.Timer == SipTimerKind.SuccessRetransmit && !_ackReceived:
                // RFC 3261 §13.3.1.4: retransmit the 2xx, interval doubled up to T2, until the ACK arrives.
                _retransmitInterval = _timers.NextInterval(_retransmitInterval);
                return
                [
                    TransactionEffect.Send(_finalResponse!),
                    TransactionEffect.StartTimer(SipTimerKind.SuccessRetransmit, _retransmitInterval),
                ];
            case TransactionEventKind.TimerFired when e.Timer == SipTimerKind.L:
                // RFC 6026 §7.1: Timer L → Terminated. RFC 3261 §13.3.1.4: no ACK within 64·T1 → TU ends the dialog.
                State = InviteServerTransactionState.Terminated;
                return
                [
                    TransactionEffect.StopTimer(SipTimerKind.SuccessRetransmit),
                    TransactionEffect.Terminate(_ackReceived ? TransactionTermination.Normal : TransactionTermination.SuccessAckTimeout),
                ];
            default:
                // RFC 6026 §7.1: retransmitted INVITEs are absorbed in Accepted.
                return [];
        }
    }
}
