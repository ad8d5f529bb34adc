using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>Non-INVITE client transaction, RFC 3261 §17.1.2, as a pure state machine: events in, effects out.</summary>
/// <remarks>Not thread-safe: <see cref="ClientTransactionTable"/> serializes calls.</remarks>
internal sealed class NonInviteClientTransaction
{
    private readonly bool _reliable;
    private readonly SipTimerOptions _timers;
    private TimeSpan _timerE;

    public NonInviteClientTransaction(ClientTransactionKey key, SipRequest request, bool reliable, SipTimerOptions timers)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(timers);
        if (request.Method is "INVITE" or "ACK")
        {
            throw new ArgumentException($"{request.Method} is not sent by a non-INVITE client transaction.", nameof(request));
        }

        Key = key;
        Request = request;
        _reliable = reliable;
        _timers = timers;
        _timerE = timers.T1;
    }

    public ClientTransactionKey Key { get; }

    /// <summary>The request the transaction sends (top Via already added).</summary>
    public SipRequest Request { get; }

    public NonInviteClientTransactionState State { get; private set; } = NonInviteClientTransactionState.Trying;

    public bool IsTerminated => State == NonInviteClientTransactionState.Terminated;

    /// <summary>
    /// RFC 3261 §17.1.2.2: entering Trying, the request goes to the transport; over an unreliable transport Timer E is
    /// set to T1; Timer F is set to 64·T1 on every transport.
    /// </summary>
    public IReadOnlyList<TransactionEffect> Start() => _reliable
        ? [TransactionEffect.SendRequest(Request), TransactionEffect.StartTimer(SipTimerKind.F, _timers.SixtyFourT1)]
        : [
            TransactionEffect.SendRequest(Request),
            TransactionEffect.StartTimer(SipTimerKind.E, _timerE),
            TransactionEffect.StartTimer(SipTimerKind.F, _timers.SixtyFourT1),
        ];

    public IReadOnlyList<TransactionEffect> Handle(TransactionEvent transactionEvent)
    {
        var e = transactionEvent;
        switch (State)
        {
            case NonInviteClientTransactionState.Trying or NonInviteClientTransactionState.Proceeding:
                return HandleWaiting(e);

            case NonInviteClientTransactionState.Completed:
                if (e.Kind == TransactionEventKind.TimerFired && e.Timer == SipTimerKind.K)
                {
                    // RFC 3261 §17.1.2.2: Timer K fires in Completed → Terminated.
                    State = NonInviteClientTransactionState.Terminated;
                    return [TransactionEffect.Terminate()];
                }

                // RFC 3261 §17.1.2.2: Completed buffers (absorbs) retransmissions of the final response.
                return [];

            default:
                return [];
        }
    }

    private IReadOnlyList<TransactionEffect> HandleWaiting(TransactionEvent e)
    {
        switch (e.Kind)
        {
            case TransactionEventKind.TimerFired when e.Timer == SipTimerKind.E:
                if (State == NonInviteClientTransactionState.Proceeding)
                {
                    // RFC 3261 §17.1.2.2: Timer E in Proceeding → retransmit, reset Timer E to T2.
                    _timerE = _timers.T2;
                }
                else
                {
                    // RFC 3261 §17.1.2.2: Timer E in Trying → retransmit, reset to MIN(2·previous, T2).
                    _timerE = _timers.NextInterval(_timerE);
                }

                return [TransactionEffect.SendRequest(Request), TransactionEffect.StartTimer(SipTimerKind.E, _timerE)];

            case TransactionEventKind.TimerFired when e.Timer == SipTimerKind.F:
                // RFC 3261 §17.1.2.2: Timer F fires in Trying or Proceeding → inform the TU of the timeout, Terminated.
                State = NonInviteClientTransactionState.Terminated;
                return [TransactionEffect.Terminate(TransactionTermination.Timeout)];

            case TransactionEventKind.TransportFailed:
                // RFC 3261 §17.1.2.2 / §17.1.4: a transport error in Trying or Proceeding → inform the TU, Terminated.
                State = NonInviteClientTransactionState.Terminated;
                return [TransactionEffect.Terminate(TransactionTermination.TransportError)];

            case TransactionEventKind.ResponseReceived when e.Response!.IsProvisional:
                // RFC 3261 §17.1.2.2: a provisional response in Trying → Proceeding; passed to the TU in either state.
                State = NonInviteClientTransactionState.Proceeding;
                return [TransactionEffect.PassResponseToUser(e.Response)];

            case TransactionEventKind.ResponseReceived:
                // RFC 3261 §17.1.2.2: a final response (200-699) → Completed, passed to the TU; Timer K = T4 over an
                // unreliable transport, zero over a reliable one (so Terminated at once).
                State = NonInviteClientTransactionState.Completed;
                List<TransactionEffect> effects =
                [
                    TransactionEffect.StopTimer(SipTimerKind.E),
                    TransactionEffect.StopTimer(SipTimerKind.F),
                    TransactionEffect.PassResponseToUser(e.Response!),
                ];
                if (_reliable)
                {
                    State = NonInviteClientTransactionState.Terminated;
                    effects.Add(TransactionEffect.Terminate());
                }
                else
                {
                    effects.Add(TransactionEffect.StartTimer(SipTimerKind.K, _timers.T4));
                }

                return effects;

            default:
                return [];
        }
    }
}
