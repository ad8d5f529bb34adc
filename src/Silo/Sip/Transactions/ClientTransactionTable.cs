using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>
/// Holds the client transactions by <see cref="ClientTransactionKey"/>, feeds them responses and timer events, and
/// applies their effects: sends through the transaction's <see cref="ISipRequestChannel"/>, timers through the
/// injected <see cref="TimeProvider"/>, and the outcome through the task <see cref="Start"/> returned.
/// </summary>
/// <remarks>
/// Thread-safe: transports (responses), timer callbacks and callers starting transactions call in concurrently. One
/// lock guards every transaction; sends happen under it (channels do not block). The tasks complete under the lock but
/// run their continuations asynchronously, so no caller code runs while it is held. A stale timer callback (stopped or
/// restarted meanwhile) is recognised by a generation number and ignored, as in <see cref="TransactionTable"/>.
/// </remarks>
internal sealed class ClientTransactionTable : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ClientTransactionKey, Entry> _transactions = [];
    private readonly SipTimerOptions _timers;
    private readonly TimeProvider _timeProvider;
    private bool _disposed;

    public ClientTransactionTable(SipTimerOptions timers, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timers = timers;
        _timeProvider = timeProvider;
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

    /// <summary>
    /// Creates the transaction of <paramref name="request"/> (its top Via carries our fresh branch) and sends it.
    /// The task completes with the final response, or null on Timer F, a transport failure or <see cref="Dispose"/>.
    /// </summary>
    public Task<SipResponse?> Start(SipRequest request, ISipRequestChannel channel)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(channel);
        var key = ClientTransactionKey.FromRequest(request);
        var transaction = new NonInviteClientTransaction(key, request, channel.IsReliable, _timers);
        var entry = new Entry(transaction, channel, request.TopVia.SentBy);
        lock (_lock)
        {
            if (_disposed || !_transactions.TryAdd(key, entry))
            {
                // Stopping, or a branch already in use (a caller reusing a request): nothing is sent.
                return Task.FromResult<SipResponse?>(null);
            }

            Apply(entry, transaction.Start());
        }

        return entry.Completion.Task;
    }

    /// <summary>Feeds a received response to its transaction; false when it matches none (RFC 3261 §17.1.3).</summary>
    public bool OnResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        ClientTransactionKey key;
        string sentBy;
        try
        {
            if (!ClientTransactionKey.TryFromResponse(response, out key))
            {
                return false;
            }

            sentBy = response.TopVia.SentBy;
        }
        catch (SipParseException)
        {
            return false;
        }

        lock (_lock)
        {
            // RFC 3261 §18.1.2: a response whose top Via sent-by is not the one we inserted is discarded.
            if (_disposed || !_transactions.TryGetValue(key, out var entry) ||
                !string.Equals(entry.SentBy, sentBy, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            Apply(entry, entry.Transaction.Handle(TransactionEvent.ResponseReceived(response)));
            return true;
        }
    }

    private void Apply(Entry entry, IReadOnlyList<TransactionEffect> effects)
    {
        foreach (var effect in effects)
        {
            if (entry.Transaction.IsTerminated && effect.Kind != TransactionEffectKind.Terminate &&
                effect.Kind != TransactionEffectKind.PassResponseToUser)
            {
                // A transport failure while applying an earlier effect ended the transaction: skip the rest (timers).
                continue;
            }

            switch (effect.Kind)
            {
                case TransactionEffectKind.SendRequest:
                    if (!entry.Channel.Send(effect.Request!))
                    {
                        Apply(entry, entry.Transaction.Handle(TransactionEvent.TransportFailed()));
                    }

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
                case TransactionEffectKind.PassResponseToUser:
                    // Provisional responses are not surfaced: the TU of a BYE or OPTIONS only needs the final one.
                    if (!effect.Response!.IsProvisional)
                    {
                        entry.Completion.TrySetResult(effect.Response);
                    }

                    break;
                case TransactionEffectKind.Terminate:
                    Terminate(entry);
                    break;
            }
        }
    }

    private void Terminate(Entry entry)
    {
        foreach (var timer in entry.Timers.Values)
        {
            timer.Dispose();
        }

        entry.Timers.Clear();
        entry.Generations.Clear();
        if (_transactions.TryGetValue(entry.Transaction.Key, out var current) && ReferenceEquals(current, entry))
        {
            _transactions.Remove(entry.Transaction.Key);
        }

        // Timer F or a transport failure: no final response came (after a final one this is a no-op).
        entry.Completion.TrySetResult(null);
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
        lock (_lock)
        {
            var entry = state.Entry;
            if (_disposed || entry.Transaction.IsTerminated ||
                !entry.Generations.TryGetValue(state.Kind, out var generation) || generation != state.Generation)
            {
                return;
            }

            StopTimer(entry, state.Kind);
            Apply(entry, entry.Transaction.Handle(TransactionEvent.TimerFired(state.Kind)));
        }
    }

    /// <summary>Ends every transaction: pending ones complete with null (the stack is stopping). Idempotent.</summary>
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

                entry.Timers.Clear();
                entry.Completion.TrySetResult(null);
            }

            _transactions.Clear();
        }
    }

    private sealed class Entry(NonInviteClientTransaction transaction, ISipRequestChannel channel, string sentBy)
    {
        public NonInviteClientTransaction Transaction { get; } = transaction;

        public ISipRequestChannel Channel { get; } = channel;

        /// <summary>The sent-by of the top Via we inserted (RFC 3261 §18.1.2).</summary>
        public string SentBy { get; } = sentBy;

        public TaskCompletionSource<SipResponse?> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Dictionary<SipTimerKind, ITimer> Timers { get; } = [];

        public Dictionary<SipTimerKind, long> Generations { get; } = [];

        public long TimerCounter { get; set; }
    }

    private sealed record TimerState(ClientTransactionTable Table, Entry Entry, SipTimerKind Kind, long Generation)
    {
        public void Fire() => Table.OnTimer(this);
    }
}
