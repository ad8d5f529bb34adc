using System.Security.Cryptography;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>
/// Holds the server transactions by <see cref="TransactionKey"/>, feeds them events and applies their effects: sends
/// through the request's <see cref="ISipResponseChannel"/>, timers through the injected <see cref="TimeProvider"/>,
/// and TU callbacks through <see cref="ITransactionUser"/>.
/// </summary>
/// <remarks>
/// Thread-safe: the UDP loop, TCP connections, timer callbacks and TU responses call in concurrently. One lock guards
/// every transaction; sends happen under it (channels do not block), TU callbacks run after it is released.
/// A stale timer callback (stopped or restarted meanwhile) is recognised by a generation number and ignored.
/// </remarks>
internal sealed class TransactionTable : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TransactionKey, Entry> _transactions = [];

    // RFC 3261 §13.3.1.4/§17.1.1.3: the ACK of a 2xx is its own transaction with a new branch, so it cannot match the
    // INVITE by key; INVITE transactions in Accepted are also found by (Call-ID, CSeq number) to stop 2xx retransmission.
    private readonly Dictionary<(string CallId, uint CSeq), Entry> _accepted = [];
    private readonly SipTimerOptions _timers;
    private readonly TimeProvider _timeProvider;
    private readonly ITransactionUser _user;
    private bool _disposed;

    public TransactionTable(SipTimerOptions timers, TimeProvider timeProvider, ITransactionUser user)
    {
        ArgumentNullException.ThrowIfNull(timers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(user);
        _timers = timers;
        _timeProvider = timeProvider;
        _user = user;
    }

    public int ActiveCount
    {
        get
        {
            lock (_lock)
            {
                return _transactions.Count;
            }
        }
    }

    /// <summary>Routes a parsed request from the transport: to its transaction, or a new one, or the TU (2xx ACK).</summary>
    public void OnRequest(SipRequest request, ISipResponseChannel channel)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(channel);
        var deferred = new List<Action>();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = TransactionKey.FromRequest(request);
            if (request.Method == "ACK")
            {
                // RFC 3261 §17.2.3: an ACK matches the INVITE transaction by key (non-2xx ACK, same branch).
                if (_transactions.TryGetValue(key, out var invite) ||
                    (_accepted.TryGetValue((request.CallId, request.CSeq.Number), out invite) && AcknowledgesOurSuccess(invite, request, channel)))
                {
                    // An ACK passed on to the TU goes with the channel it came on, not the INVITE's: the TU checks
                    // that it came from the dialog's peer (a forged ACK must not pass as CUCM's).
                    Apply(invite, invite.Transaction.Handle(TransactionEvent.Ack(request)), deferred, arrivedOn: channel);
                }
                else
                {
                    deferred.Add(() => _user.OnRequest(request, channel, isAck: true));
                }
            }
            else if (_transactions.TryGetValue(key, out var existing))
            {
                Apply(existing, existing.Transaction.Handle(TransactionEvent.Retransmission(request)), deferred);
            }
            else if (request.Method == "CANCEL")
            {
                HandleCancel(key, request, channel, deferred);
            }
            else
            {
                IServerTransaction transaction = request.Method == "INVITE"
                    ? new InviteServerTransaction(key, request, channel.IsReliable, _timers)
                    : new NonInviteServerTransaction(key, request, channel.IsReliable, _timers);
                var entry = new Entry(transaction, channel);
                _transactions.Add(key, entry);
                Apply(entry, transaction.Start(), deferred);
            }
        }

        Run(deferred);
    }

    /// <summary>
    /// Sends <paramref name="response"/> through the transaction; false if it no longer exists, or if the response is
    /// final and the transaction already sent one (a CANCEL's 487 won the race: RFC 3261 §9.2), so it was not sent.
    /// </summary>
    public bool Respond(TransactionKey key, SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var deferred = new List<Action>();
        lock (_lock)
        {
            if (_disposed || !_transactions.TryGetValue(key, out var entry)
                || (entry.Transaction.HasFinalResponse && !response.IsProvisional))
            {
                return false;
            }

            Apply(entry, entry.Transaction.Handle(TransactionEvent.Respond(response)), deferred);
            if (entry.Transaction is InviteServerTransaction { State: InviteServerTransactionState.Accepted } invite)
            {
                _accepted[(invite.Request.CallId, invite.Request.CSeq.Number)] = entry;
            }
        }

        Run(deferred);
        return true;
    }

    /// <summary>
    /// Whether a 2xx ACK (its own transaction, new branch) is really the one for <paramref name="entry"/>'s 2xx: same
    /// tags as our 2xx and the same source as the INVITE (address, and over UDP port). Only then does it stop the 2xx retransmissions; any
    /// other goes to the TU, whose dialog layer drops it (a forged ACK must not silence our retransmissions either).
    /// </summary>
    private static bool AcknowledgesOurSuccess(Entry entry, SipRequest ack, ISipResponseChannel channel) =>
        entry.Transaction is InviteServerTransaction { FinalResponse: { } ok }
        && string.Equals(ack.To.Tag, ok.To.Tag, StringComparison.Ordinal)
        && string.Equals(ack.From.Tag, ok.From.Tag, StringComparison.Ordinal)
        && channel.RemoteEndPoint.Address.Equals(entry.Channel.RemoteEndPoint.Address)
        && (channel.IsReliable || channel.RemoteEndPoint.Port == entry.Channel.RemoteEndPoint.Port);

    /// <summary>True if the transaction exists and has sent a final response.</summary>
    public bool HasFinalResponse(TransactionKey key)
    {
        lock (_lock)
        {
            return _transactions.TryGetValue(key, out var entry) && entry.Transaction.HasFinalResponse;
        }
    }

    private void HandleCancel(TransactionKey cancelKey, SipRequest cancel, ISipResponseChannel channel, List<Action> deferred)
    {
        var cancelTransaction = new NonInviteServerTransaction(cancelKey, cancel, channel.IsReliable, _timers);
        var cancelEntry = new Entry(cancelTransaction, channel);
        _transactions.Add(cancelKey, cancelEntry);

        // RFC 3261 §9.2: find the INVITE server transaction being cancelled; none → 481.
        if (!_transactions.TryGetValue(TransactionKey.ForCancelledInvite(cancel), out var inviteEntry) ||
            inviteEntry.Transaction is not InviteServerTransaction invite)
        {
            Apply(cancelEntry, cancelTransaction.Handle(TransactionEvent.Respond(SipResponse.CreateFor(cancel, 481))), deferred);
            return;
        }

        // RFC 3261 §9.2: the To tag of the 200 to CANCEL SHOULD equal the one of the response to the INVITE.
        var toTag = NewTag();
        Apply(cancelEntry, cancelTransaction.Handle(
            TransactionEvent.Respond(SipResponse.CreateFor(cancel, 200).WithToTag(toTag))), deferred);
        if (invite.HasFinalResponse)
        {
            // RFC 3261 §9.2: a final response was already sent, so the CANCEL has no effect on the INVITE.
            return;
        }

        // RFC 3261 §9.2: the UAS SHOULD respond to the INVITE with 487 (Request Terminated).
        var terminated = SipResponse.CreateFor(invite.Request, 487).WithToTag(toTag);
        Apply(inviteEntry, invite.Handle(TransactionEvent.Respond(terminated)), deferred);
        deferred.Add(() => _user.OnInviteCancelled(invite.Request));
    }

    private void Apply(Entry entry, IReadOnlyList<TransactionEffect> effects, List<Action> deferred,
        ISipResponseChannel? arrivedOn = null)
    {
        foreach (var effect in effects)
        {
            switch (effect.Kind)
            {
                case TransactionEffectKind.Send:
                    entry.Channel.Send(effect.Response!);
                    break;
                case TransactionEffectKind.StartTimer:
                    StopTimer(entry, effect.Timer);
                    var generation = ++entry.TimerCounter;
                    entry.Generations[effect.Timer] = generation;
                    entry.Timers[effect.Timer] = _timeProvider.CreateTimer(
                        static s => ((TimerState)s!).Fire(), new TimerState(this, entry, effect.Timer, generation),
                        effect.Delay, Timeout.InfiniteTimeSpan);
                    break;
                case TransactionEffectKind.StopTimer:
                    StopTimer(entry, effect.Timer);
                    break;
                case TransactionEffectKind.PassToUser:
                    var request = effect.Request!;
                    var channel = arrivedOn ?? entry.Channel;
                    deferred.Add(() => _user.OnRequest(request, channel, isAck: request.Method == "ACK"));
                    break;
                case TransactionEffectKind.Terminate:
                    Terminate(entry, effect.Termination, deferred);
                    break;
            }
        }
    }

    private void Terminate(Entry entry, TransactionTermination reason, List<Action> deferred)
    {
        foreach (var timer in entry.Timers.Values)
        {
            timer.Dispose();
        }

        entry.Timers.Clear();
        var request = entry.Transaction.Request;
        if (_transactions.TryGetValue(entry.Transaction.Key, out var current) && ReferenceEquals(current, entry))
        {
            _transactions.Remove(entry.Transaction.Key);
        }

        if (entry.Transaction is InviteServerTransaction)
        {
            var acceptedKey = (request.CallId, request.CSeq.Number);
            if (_accepted.TryGetValue(acceptedKey, out current) && ReferenceEquals(current, entry))
            {
                _accepted.Remove(acceptedKey);
            }
        }

        if (reason == TransactionTermination.SuccessAckTimeout)
        {
            deferred.Add(() => _user.OnAckTimeout(request));
        }
    }

    private static void StopTimer(Entry entry, SipTimerKind kind)
    {
        entry.Generations.Remove(kind);
        if (entry.Timers.Remove(kind, out var timer))
        {
            timer.Dispose();
        }
    }

    private void OnTimer(TimerState state)
    {
        var deferred = new List<Action>();
        lock (_lock)
        {
            var entry = state.Entry;
            if (_disposed || entry.Transaction.IsTerminated ||
                !entry.Generations.TryGetValue(state.Kind, out var generation) || generation != state.Generation)
            {
                return;
            }

            StopTimer(entry, state.Kind);
            Apply(entry, entry.Transaction.Handle(TransactionEvent.TimerFired(state.Kind)), deferred);
        }

        Run(deferred);
    }

    private static void Run(List<Action> deferred)
    {
        foreach (var action in deferred)
        {
            action();
        }
    }

    private static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var entry in _transactions.Values)
            {
                foreach (var timer in entry.Timers.Values)
                {
                    timer.Dispose();
                }
            }

            _transactions.Clear();
            _accepted.Clear();
        }
    }

    private sealed class Entry(IServerTransaction transaction, ISipResponseChannel channel)
    {
        public IServerTransaction Transaction { get; } = transaction;

        public ISipResponseChannel Channel { get; } = channel;

        public Dictionary<SipTimerKind, ITimer> Timers { get; } = [];

        public Dictionary<SipTimerKind, long> Generations { get; } = [];

        public long TimerCounter { get; set; }
    }

    private sealed record TimerState(TransactionTable Table, Entry Entry, SipTimerKind Kind, long Generation)
    {
        public void Fire() => Table.OnTimer(this);
    }
}
