namespace OrleansRecorder.Silo.Sip;

/// <summary>Plain counters of the stack, for tests and diagnostics (the metrics carry the same numbers).</summary>
/// <remarks>Thread-safe: incremented with <see cref="Interlocked"/>.</remarks>
internal sealed class SipStackCounters
{
    private readonly Func<int> _activeTransactions;
    private long _parseErrors;
    private long _dropped;
    private long _messagesReceived;
    private long _handlerErrors;
    private long _throttled;

    public SipStackCounters(Func<int> activeTransactions) => _activeTransactions = activeTransactions;

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>Malformed requests that could not be answered, and responses (the recorder sends no requests).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>Requests from untrusted sources dropped by the per-source rate limit.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    public long ActiveTransactions => _activeTransactions();

    internal void IncrementParseErrors() => Interlocked.Increment(ref _parseErrors);

    internal void IncrementDropped() => Interlocked.Increment(ref _dropped);

    internal void IncrementMessagesReceived() => Interlocked.Increment(ref _messagesReceived);

    internal void IncrementHandlerErrors() => Interlocked.Increment(ref _handlerErrors);

    internal void IncrementThrottled() => Interlocked.Increment(ref _throttled);
}
