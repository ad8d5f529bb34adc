using System.Diagnostics.Metrics;
using System.Net;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip;

/// <summary>
/// The SIP server stack: UDP and TCP transports, server transactions, and the hand-off to the
/// <see cref="ISipRequestHandler"/> (the transaction user).
/// </summary>
/// <remarks>
/// Threading: the UDP loop, each TCP connection, timer callbacks and the handler's responses run concurrently; the
/// <see cref="TransactionTable"/> serializes transaction state. The handler is invoked on the thread pool. Nothing escapes a loop: malformed input is answered when addressable
/// and counted; unexpected exceptions are logged and the loop continues.
/// </remarks>
internal sealed class SipStack : IAsyncDisposable, ITransactionUser, ISipTransportSink
{
    private readonly SipStackOptions _options;
    private readonly SourceRateLimiter _untrusted;
    private readonly ISipRequestHandler _handler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TransactionTable _transactions;
    private readonly SipMetrics _metrics;
    private UdpSipTransport? _udp;
    private TcpSipListener? _tcp;

    public SipStack(SipStackOptions options, ISipRequestHandler handler, TimeProvider timeProvider,
        ILoggerFactory loggerFactory, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessageSize, 1024);
        _options = options;
        _untrusted = new SourceRateLimiter(options.UntrustedRequestsPerSecond, timeProvider);
        _handler = handler;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<SipStack>();
        _transactions = new TransactionTable(options.Timers, timeProvider, this);
        _metrics = new SipMetrics(meterFactory, () => _transactions.ActiveCount);
        Counters = new SipStackCounters(() => _transactions.ActiveCount);
    }

    public int UdpPort => _udp?.LocalEndPoint.Port ?? throw new InvalidOperationException("The stack is not started.");

    public int TcpPort => _tcp?.LocalEndPoint.Port ?? throw new InvalidOperationException("The stack is not started.");

    public SipStackCounters Counters { get; }

    /// <summary>Binds UDP and TCP on <see cref="SipStackOptions.ListenAddress"/> and starts the receive loops.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_udp is not null)
        {
            throw new InvalidOperationException("The stack is already started.");
        }

        _udp = new UdpSipTransport(new IPEndPoint(_options.ListenAddress, _options.Port), _options.MaxMessageSize, this);
        if (_options.UdpReceiveBufferBytes > 0)
        {
            var granted = _udp.SetReceiveBuffer(_options.UdpReceiveBufferBytes);
            if (granted < _options.UdpReceiveBufferBytes)
            {
                SipLog.ReceiveBufferCapped(_logger, _options.UdpReceiveBufferBytes, granted);
            }
        }

        // With port 0, TCP tries the port UDP got, so both share one number when it is free.
        var tcpPort = _options.Port == 0 ? _udp.LocalEndPoint.Port : _options.Port;
        try
        {
            _tcp = new TcpSipListener(new IPEndPoint(_options.ListenAddress, tcpPort), _options.MaxMessageSize,
                _options.IncompleteMessageTimeout, _timeProvider, this);
        }
        catch (System.Net.Sockets.SocketException) when (_options.Port == 0)
        {
            _tcp = new TcpSipListener(new IPEndPoint(_options.ListenAddress, 0), _options.MaxMessageSize,
                _options.IncompleteMessageTimeout, _timeProvider, this);
        }

        _udp.Start();
        _tcp.Start();
        SipLog.Listening(_logger, _udp.LocalEndPoint, _tcp.LocalEndPoint);
        return Task.CompletedTask;
    }

    void ISipTransportSink.OnRequest(SipRequest request, ISipResponseChannel channel)
    {
        Counters.IncrementMessagesReceived();
        _metrics.RequestReceived(request.Method);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            SipLog.RequestReceived(_logger, channel.Kind.ToString(), request.Method, channel.RemoteEndPoint, request.CallId);
        }

        var source = channel.RemoteEndPoint.Address;
        if (_options.IsTrustedSource is { } trusted && !trusted(source) && !_untrusted.TryAcquire(source))
        {
            // A flood from an untrusted address: no transaction, no answer, just counted.
            Counters.IncrementThrottled();
            return;
        }

        _transactions.OnRequest(request, channel);
    }

    void ISipTransportSink.OnResponse(SipResponse response, SipTransportKind transport, IPEndPoint remote)
    {
        Counters.IncrementMessagesReceived();
        Counters.IncrementDropped();
        _metrics.ResponseReceived(response.StatusCode);
        SipLog.ResponseDropped(_logger, transport.ToString(), response.StatusCode, remote);
    }

    void ISipTransportSink.OnParseError(SipParseException exception, SipTransportKind transport, IPEndPoint remote, bool answered)
    {
        Counters.IncrementParseErrors();
        if (!answered)
        {
            Counters.IncrementDropped();
        }

        _metrics.ParseError();
        SipLog.ParseError(_logger, transport.ToString(), remote, exception.StatusCode, exception.Field, exception.Detail, answered);
    }

    void ISipTransportSink.OnTransportError(SipTransportKind transport, IPEndPoint? remote, Exception exception) =>
        SipLog.TransportError(_logger, exception, transport.ToString(), remote);

    void ISipTransportSink.OnConnectionClosed(IPEndPoint remote, string reason) =>
        SipLog.ConnectionClosed(_logger, remote, reason);

    /// <remarks>
    /// The transaction user runs on the thread pool, not on the receiving thread: the UDP loop only parses and matches
    /// transactions, so one slow request (a BYE that closes a recording, a grain call) never delays the ACKs and
    /// INVITEs queued behind it. Order within a dialog is kept by causality (the ACK follows our 200) and by the leg's
    /// gate; retransmissions never reach here (the transaction layer absorbs them).
    /// </remarks>
    void ITransactionUser.OnRequest(SipRequest request, ISipResponseChannel channel, bool isAck)
    {
        var serverRequest = new SipServerRequest(request, isAck, channel, _transactions, _timeProvider.GetTimestamp());
        if (!isAck && request.Method == "INVITE" && request.To.Tag is null && Screen(serverRequest))
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static state => _ = state.Stack.DispatchAsync(state.Request),
            (Stack: this, Request: serverRequest),
            preferLocal: false);
    }

    /// <summary>The handler's look at a new INVITE on the receiving thread; true when it answered it there.</summary>
    private bool Screen(SipServerRequest invite)
    {
        try
        {
            return _handler.AnswerAtOnce(invite);
        }
        catch (Exception ex)
        {
            // Let it through unscreened: the handler decides again on the thread pool.
            Counters.IncrementHandlerErrors();
            SipLog.CallbackFailed(_logger, ex, nameof(ISipRequestHandler.AnswerAtOnce), invite.Request.CallId);
            return false;
        }
    }

    void ITransactionUser.OnInviteCancelled(SipRequest invite)
    {
        SipLog.InviteCancelled(_logger, invite.CallId);
        try
        {
            _handler.OnInviteCancelled(invite);
        }
        catch (Exception ex)
        {
            Counters.IncrementHandlerErrors();
            SipLog.CallbackFailed(_logger, ex, nameof(ISipRequestHandler.OnInviteCancelled), invite.CallId);
        }
    }

    void ITransactionUser.OnAckTimeout(SipRequest invite)
    {
        SipLog.AckTimeout(_logger, invite.CallId);
        try
        {
            _handler.OnAckTimeout(invite);
        }
        catch (Exception ex)
        {
            Counters.IncrementHandlerErrors();
            SipLog.CallbackFailed(_logger, ex, nameof(ISipRequestHandler.OnAckTimeout), invite.CallId);
        }
    }

    private async Task DispatchAsync(SipServerRequest request)
    {
        request.QueueDelay = _timeProvider.GetElapsedTime(request.QueuedAt);
        _metrics.Dispatched(request.QueueDelay);

        // RFC 3261 §17.2.1: 100 (Trying) only if the handling has not answered within 200 ms of taking the INVITE up.
        using var trying = !request.IsAck && request.Request.Method == "INVITE"
            ? _timeProvider.CreateTimer(static s => ((SipServerRequest)s!).SendTryingIfUnanswered(), request,
                _options.TryingDelay, Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            await _handler.OnRequestAsync(request);
        }
        catch (Exception ex)
        {
            Counters.IncrementHandlerErrors();
            SipLog.HandlerFailed(_logger, ex, request.Request.Method, request.Request.CallId);
            if (!request.IsAck && !request.HasFinalResponse)
            {
                try
                {
                    await request.RespondAsync(SipResponse.CreateFor(request.Request, 500));
                }
                catch (Exception inner)
                {
                    SipLog.HandlerFailed(_logger, inner, request.Request.Method, request.Request.CallId);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_udp is not null)
        {
            await _udp.DisposeAsync();
        }

        if (_tcp is not null)
        {
            await _tcp.DisposeAsync();
        }

        _transactions.Dispose();
    }
}
