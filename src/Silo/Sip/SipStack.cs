using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip;

/// <summary>
/// The SIP stack: UDP, TCP and (with a certificate) TLS transports, server transactions and the hand-off to the
/// <see cref="ISipRequestHandler"/> (the transaction user), and non-INVITE client transactions for the requests the
/// recorder sends (<see cref="ISipClient"/>).
/// </summary>
/// <remarks>
/// Threading: the UDP loop, each TCP connection, timer callbacks and the handler's responses run concurrently; the
/// <see cref="TransactionTable"/> serializes transaction state. The handler is invoked on the thread pool. Nothing escapes a loop: malformed input is answered when addressable
/// and counted; unexpected exceptions are logged and the loop continues. Disposal is idempotent and never throws (the
/// SIP edge disposes the stack on stop, and DI disposes it again as a singleton); pending client transactions then
/// complete with null.
/// </remarks>
internal sealed class SipStack : IAsyncDisposable, ITransactionUser, ISipTransportSink, ISipClient
{
    private readonly SipStackOptions _options;
    private readonly SourceRateLimiter _untrusted;
    private readonly ISipRequestHandler _handler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TransactionTable _transactions;
    private readonly ClientTransactionTable _clientTransactions;
    private readonly SipMetrics _metrics;
    private UdpSipTransport? _udp;
    private TcpSipListener? _tcp;
    private TcpSipListener? _tls;
    private int _disposed;

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
        _clientTransactions = new ClientTransactionTable(options.Timers, timeProvider);
        _metrics = new SipMetrics(meterFactory, () => _transactions.ActiveCount + _clientTransactions.ActiveCount);
        Counters = new SipStackCounters(() => _transactions.ActiveCount + _clientTransactions.ActiveCount);
    }

    public int UdpPort => _udp?.LocalEndPoint.Port ?? throw new InvalidOperationException("The stack is not started.");

    public int TcpPort => _tcp?.LocalEndPoint.Port ?? throw new InvalidOperationException("The stack is not started.");

    /// <summary>The TLS port, or null when TLS is off.</summary>
    public int? TlsPort => _tls?.LocalEndPoint.Port;

    public SipStackCounters Counters { get; }

    /// <summary>TLS connections open (accepted and opened by us).</summary>
    public int TlsConnectionCount => _tls?.ConnectionCount ?? 0;

    /// <summary>TCP connections open (accepted and opened by us).</summary>
    public int TcpConnectionCount => _tcp?.ConnectionCount ?? 0;

    /// <summary>Binds UDP and TCP on <see cref="SipStackOptions.ListenAddress"/> and starts the receive loops.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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
        var tcpSettings = new TcpSipSettings
        {
            MaxMessageSize = _options.MaxMessageSize,
            IncompleteMessageTimeout = _options.IncompleteMessageTimeout,
            IdleTimeout = _options.TcpIdleTimeout,
            MaxConnectionsPerSource = _options.MaxConnectionsPerSource,
            MaxConnections = _options.MaxConnections,
            MaxQueuedMessages = _options.TcpSendQueueMessages,
            MaxQueuedBytes = _options.TcpSendQueueBytes,
            ConnectTimeout = _options.TcpConnectTimeout,
        };
        try
        {
            _tcp = new TcpSipListener(new IPEndPoint(_options.ListenAddress, tcpPort), tcpSettings, _timeProvider, this);
        }
        catch (SocketException) when (_options.Port == 0)
        {
            _tcp = new TcpSipListener(new IPEndPoint(_options.ListenAddress, 0), tcpSettings, _timeProvider, this);
        }

        if (_options.Tls is { } tls)
        {
            // The TLS listener has its own connection caps: a TCP flood cannot lock the CUCM trunk out of TLS.
            _tls = new TcpSipListener(new IPEndPoint(_options.ListenAddress, _options.TlsPort), tcpSettings, _timeProvider, this, tls);
        }

        _udp.Start();
        _tcp.Start();
        _tls?.Start();
        SipLog.Listening(_logger, _udp.LocalEndPoint, _tcp.LocalEndPoint);
        if (_tls is not null && _options.Tls is { } context)
        {
            SipLog.ListeningTls(_logger, _tls.LocalEndPoint, context.Certificate.Subject, TlsPeerPolicy.Sha256Of(context.Certificate),
                context.Certificate.NotAfter.ToUniversalTime());
        }

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
        _metrics.ResponseReceived(response.StatusCode);

        // RFC 3261 §18.1.2 / §17.1.3: to the client transaction it matches, whichever transport or connection it came on.
        if (_clientTransactions.OnResponse(response))
        {
            return;
        }

        Counters.IncrementDropped();
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

    void ISipTransportSink.OnConnectionClosed(IPEndPoint remote, string reason)
    {
        switch (reason)
        {
            case TcpCloseReasons.IdleTimeout:
                Counters.IncrementIdleConnectionsClosed();
                break;
            case TcpCloseReasons.SendQueueFull:
                Counters.IncrementSendQueueOverflows();
                SipLog.SendQueueOverflow(_logger, remote, reason);
                return;
        }

        SipLog.ConnectionClosed(_logger, remote, reason);
    }

    void ISipTransportSink.OnTlsHandshakeFailed(IPEndPoint remote, string reason)
    {
        Counters.IncrementTlsHandshakeFailures();
        _metrics.TlsHandshakeFailed();
        SipLog.TlsHandshakeFailed(_logger, remote, reason);
    }

    void ISipTransportSink.OnConnectionRefused(IPEndPoint remote, string reason)
    {
        Counters.IncrementConnectionsRefused();
        SipLog.ConnectionRefused(_logger, remote, reason);
    }

    /// <inheritdoc />
    public async Task<SipResponse?> SendRequestAsync(SipRequest request, SipTarget target,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(target.EndPoint);
        if (request.Method is "INVITE" or "ACK" or "CANCEL")
        {
            throw new ArgumentException($"{request.Method} is not sent by a non-INVITE client transaction.", nameof(request));
        }

        cancellationToken.ThrowIfCancellationRequested();
        Counters.IncrementRequestsSent();
        var response = await SendAsync(request, target, cancellationToken);
        if (response is null)
        {
            Counters.IncrementRequestsFailed();
            SipLog.RequestFailed(_logger, target.Transport.ToString(), request.Method, target.EndPoint,
                request.Headers.GetFirst(SipHeaderNames.CallId) ?? "-");
        }

        return response;
    }

    private async Task<SipResponse?> SendAsync(SipRequest request, SipTarget target, CancellationToken cancellationToken)
    {
        var udp = _udp;
        var tcp = _tcp;
        if (Volatile.Read(ref _disposed) != 0 || udp is null || tcp is null)
        {
            return null;
        }

        ISipRequestChannel? channel;
        IPAddress local;
        int sentByPort;
        if (target.Transport is SipTransportKind.Tcp or SipTransportKind.Tls)
        {
            // RFC 3261 §26.2.1: a request for a TLS target goes over TLS or not at all (never downgraded to TCP).
            var listener = target.Transport == SipTransportKind.Tls ? _tls : tcp;
            if (listener is null)
            {
                return null;
            }

            var connection = await listener.GetOrConnectAsync(target.Connection, target.EndPoint, cancellationToken);
            if (connection is null)
            {
                return null;
            }

            channel = connection;
            local = connection.LocalEndPoint.Address;
            sentByPort = listener.LocalEndPoint.Port;
        }
        else
        {
            channel = new UdpRequestChannel(udp, target.EndPoint);
            local = LocalAddressFor(target.EndPoint);
            sentByPort = udp.LocalEndPoint.Port;
        }

        var outgoing = WithTopVia(request, target.Transport, _options.AdvertisedAddress ?? SpecificListenAddress() ?? local, sentByPort);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            SipLog.RequestSent(_logger, target.Transport.ToString(), request.Method, channel.RemoteEndPoint,
                request.Headers.GetFirst(SipHeaderNames.CallId) ?? "-");
        }

        return await _clientTransactions.Start(outgoing, channel).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A copy of <paramref name="request"/> with our Via on top (RFC 3261 §8.1.1.7, §18.1.1: sent-by is our address and
    /// listening port, the branch starts with the magic cookie and is unique; RFC 3581 §3: rport asks for the source
    /// port in the response) and Max-Forwards: 70 when absent (§8.1.1.6). Content-Length is written by the writer.
    /// </summary>
    private static SipRequest WithTopVia(SipRequest request, SipTransportKind transport, IPAddress sentByAddress, int sentByPort)
    {
        var host = sentByAddress.IsIPv4MappedToIPv6 ? sentByAddress.MapToIPv4().ToString() : sentByAddress.ToString();
        if (sentByAddress.AddressFamily == AddressFamily.InterNetworkV6 && !sentByAddress.IsIPv4MappedToIPv6)
        {
            host = $"[{host}]";
        }

        var branch = ViaHeader.MagicCookie + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var headers = new SipHeaders();
        headers.Add(SipHeaderNames.Via, string.Create(CultureInfo.InvariantCulture,
            $"SIP/2.0/{ViaTransport(transport)} {host}:{sentByPort};branch={branch};rport"));
        foreach (var header in request.Headers)
        {
            headers.Add(header.Name, header.Value);
        }

        if (!headers.Contains(SipHeaderNames.MaxForwards))
        {
            headers.Add(SipHeaderNames.MaxForwards, "70");
        }

        return new SipRequest(request.Method, request.RequestUri, headers, request.Body);
    }

    /// <summary>The transport token of a Via (RFC 3261 §20.42: UDP, TCP, TLS).</summary>
    internal static string ViaTransport(SipTransportKind transport) => transport switch
    {
        SipTransportKind.Tcp => "TCP",
        SipTransportKind.Tls => "TLS",
        _ => "UDP",
    };

    private IPAddress? SpecificListenAddress() =>
        _options.ListenAddress.Equals(IPAddress.Any) || _options.ListenAddress.Equals(IPAddress.IPv6Any) ? null : _options.ListenAddress;

    /// <summary>The local address the system would send to <paramref name="destination"/> from (a UDP connect sends nothing).</summary>
    private static IPAddress LocalAddressFor(IPEndPoint destination)
    {
        try
        {
            using var probe = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(destination);
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }
    }

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

    /// <summary>
    /// Stops the stack: pending client transactions complete with null, then the transports close and the server
    /// transactions end. Idempotent; never throws (each step's failure is logged and the next step still runs).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Step(_clientTransactions.Dispose, "client transactions");
        if (_udp is not null)
        {
            await StepAsync(_udp.DisposeAsync, "UDP transport");
        }

        if (_tcp is not null)
        {
            await StepAsync(_tcp.DisposeAsync, "TCP listener");
        }

        if (_tls is not null)
        {
            await StepAsync(_tls.DisposeAsync, "TLS listener");
        }

        Step(_transactions.Dispose, "server transactions");
    }

    private void Step(Action step, string name)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            SipLog.DisposeFailed(_logger, ex, name);
        }
    }

    private async ValueTask StepAsync(Func<ValueTask> step, string name)
    {
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            SipLog.DisposeFailed(_logger, ex, name);
        }
    }
}
