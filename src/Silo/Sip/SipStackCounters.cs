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
    private long _requestsSent;
    private long _requestsFailed;
    private long _connectionsRefused;
    private long _idleConnectionsClosed;
    private long _sendQueueOverflows;
    private long _tlsHandshakeFailures;

    public SipStackCounters(Func<int> activeTransactions) => _activeTransactions = activeTransactions;

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>Malformed requests that could not be answered, and responses (the recorder sends no requests).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>Requests from untrusted sources dropped by the per-source rate limit.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    public long ActiveTransactions => _activeTransactions();

    /// <summary>Client transactions started (<see cref="ISipClient.SendRequestAsync"/>).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>Client transactions that ended without a final response (Timer F, transport failure, stopping).</summary>
    public long RequestsFailed => Interlocked.Read(ref _requestsFailed);

    /// <summary>TCP connections refused or closed at once for being over a connection cap.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);

    /// <summary>TCP connections closed by the idle timeout.</summary>
    public long IdleConnectionsClosed => Interlocked.Read(ref _idleConnectionsClosed);

    /// <summary>TCP connections closed because their peer stopped reading and the send queue filled.</summary>
    public long SendQueueOverflows => Interlocked.Read(ref _sendQueueOverflows);

    /// <summary>TLS connections closed before carrying a message (plain text, handshake error or timeout, certificate refused).</summary>
    public long TlsHandshakeFailures => Interlocked.Read(ref _tlsHandshakeFailures);

    internal void IncrementTlsHandshakeFailures() => Interlocked.Increment(ref _tlsHandshakeFailures);

    internal void IncrementParseErrors() => Interlocked.Increment(ref _parseErrors);

    internal void IncrementDropped() => Interlocked.Increment(ref _dropped);

    internal void IncrementMessagesReceived() => Interlocked.Increment(ref _messagesReceived);

    internal void IncrementHandlerErrors() => Interlocked.Increment(ref _handlerErrors);

    internal void IncrementThrottled() => Interlocked.Increment(ref _throttled);

    internal void IncrementRequestsSent() => Interlocked.Increment(ref _requestsSent);

    internal void IncrementRequestsFailed() => Interlocked.Increment(ref _requestsFailed);

    internal void IncrementConnectionsRefused() => Interlocked.Increment(ref _connectionsRefused);

    internal void IncrementIdleConnectionsClosed() => Interlocked.Increment(ref _idleConnectionsClosed);

    internal void IncrementSendQueueOverflows() => Interlocked.Increment(ref _sendQueueOverflows);
}
