using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Accepts SIP-over-TCP connections, opens ours (client transactions, RFC 3261 §18.2.2 responses), and runs one
/// <see cref="TcpSipConnection"/> per socket; finds a live connection by its remote end point for reuse. Given a
/// <see cref="SipTlsContext"/>, it is the SIP-over-TLS transport (RFC 3261 §26.2.1): every connection, accepted or
/// opened, is authenticated first, then framed and hardened exactly as TCP.
/// </summary>
/// <remarks>
/// Caps: accepted connections per source address and connections in total (both directions); a connection over a cap
/// is closed at once and reported through <see cref="ISipTransportSink.OnConnectionRefused"/>. No exception escapes
/// the accept loop or a connection's task; connections are closed when the listener is disposed. Disposal is
/// idempotent and never throws.
/// TLS: an accepted connection counts against the caps from its accept; its handshake must finish within the context's
/// handshake timeout. A peer that sends plain text, fails the handshake or presents a certificate the policy refuses is
/// closed and reported through <see cref="ISipTransportSink.OnTlsHandshakeFailed"/> with the reason; nothing else is
/// touched.
/// </remarks>
internal sealed class TcpSipListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TcpSipSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ISipTransportSink _sink;
    private readonly SipTlsContext? _tls;
    private readonly SipTransportKind _kind;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _handshakes = new();
    private readonly ConcurrentDictionary<TcpSipConnection, Task> _connections = new();
    private readonly ConcurrentDictionary<IPEndPoint, TcpSipConnection> _byRemote = new();

    // Guards the counts below, so a cap check and the increment it allows are one step.
    private readonly Lock _countsLock = new();
    private readonly Dictionary<IPAddress, int> _perSource = [];
    private int _total;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    /// <param name="bindEndPoint">Where to listen.</param>
    /// <param name="settings">Caps and timeouts of every connection.</param>
    /// <param name="timeProvider">Times the timeouts.</param>
    /// <param name="sink">Where messages, closes and refusals go.</param>
    /// <param name="tls">Null for SIP over TCP; the certificate and policy for SIP over TLS.</param>
    public TcpSipListener(IPEndPoint bindEndPoint, TcpSipSettings settings, TimeProvider timeProvider, ISipTransportSink sink,
        SipTlsContext? tls = null)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(sink);
        _settings = settings;
        _timeProvider = timeProvider;
        _sink = sink;
        _tls = tls;
        _kind = tls is null ? SipTransportKind.Tcp : SipTransportKind.Tls;
        _socket = new Socket(bindEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.Bind(bindEndPoint);
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public int ConnectionCount => _connections.Count;

    /// <summary>TCP, or TLS when the listener was given a <see cref="SipTlsContext"/>.</summary>
    public SipTransportKind Kind => _kind;

    public void Start() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

    /// <summary>A live connection whose remote end is <paramref name="remote"/>, accepted or opened by us.</summary>
    public bool TryGetConnection(IPEndPoint remote, out TcpSipConnection connection)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (_byRemote.TryGetValue(Normalize(remote), out var found) && !found.IsClosed)
        {
            connection = found;
            return true;
        }

        connection = null!;
        return false;
    }

    /// <summary>
    /// The connection to send on: <paramref name="preferred"/> if it is still open (the one the peer opened), else any
    /// open connection to <paramref name="destination"/>, else a new one to it. Null when connecting failed or timed
    /// out, a cap is reached, or the listener is stopping.
    /// </summary>
    public async Task<TcpSipConnection?> GetOrConnectAsync(IPEndPoint? preferred, IPEndPoint destination,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (preferred is not null && TryGetConnection(preferred, out var reused))
        {
            return reused;
        }

        if (TryGetConnection(destination, out reused))
        {
            return reused;
        }

        return await ConnectAsync(destination, cancellationToken);
    }

    private async Task<TcpSipConnection?> ConnectAsync(IPEndPoint destination, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return null;
        }

        if (!TryCount(null))
        {
            _sink.OnConnectionRefused(destination, TcpCloseReasons.TooManyConnections);
            return null;
        }

        var counted = true;
        var socket = new Socket(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // From our listening address when it is a specific one, so the peer sees the address we advertise.
            if (!LocalEndPoint.Address.Equals(IPAddress.Any) && !LocalEndPoint.Address.Equals(IPAddress.IPv6Any) &&
                LocalEndPoint.AddressFamily == destination.AddressFamily)
            {
                socket.Bind(new IPEndPoint(LocalEndPoint.Address, 0));
            }

            using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
            await socket.ConnectAsync(destination, linked.Token);
            TcpSipConnection connection;
            if (_tls is null)
            {
                connection = new TcpSipConnection(socket, _settings, _timeProvider, _sink, SendOnNewConnection);
            }
            else
            {
                // RFC 3261 §26.2.1: the server's certificate is checked against the same trust settings as clients'.
                var stream = await AuthenticateAsClientAsync(socket, destination, _tls, cancellationToken);
                if (stream is null)
                {
                    return null;
                }

                connection = new TcpSipConnection(socket, stream, SipTransportKind.Tls, _settings, _timeProvider, _sink, SendOnNewConnection);
            }

            counted = false;
            Run(connection, inbound: false);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Refused, unreachable, timed out or stopping: the caller gets null (no exception for network reasons).
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            _sink.OnTransportError(_kind, destination, ex);
            return null;
        }
        finally
        {
            if (counted)
            {
                Uncount(null);
            }
        }
    }

    /// <summary>The TLS client handshake on a connected socket; null (socket disposed, failure reported) when it fails.</summary>
    private async Task<SslStream?> AuthenticateAsClientAsync(Socket socket, IPEndPoint destination, SipTlsContext tls,
        CancellationToken cancellationToken)
    {
        var rejection = new StrongBox<string?>();
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(tls.HandshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
        try
        {
            await stream.AuthenticateAsClientAsync(tls.ClientOptions(destination.Address.ToString(), rejection), linked.Token);
            return stream;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await stream.DisposeAsync();
            if (!_stopping.IsCancellationRequested)
            {
                _sink.OnTlsHandshakeFailed(destination, HandshakeFailure(ex, rejection.Value, timeout.IsCancellationRequested));
            }

            return null;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The reason a handshake failed, for the log: the policy's refusal, the timeout, or what TLS said.</summary>
    private static string HandshakeFailure(Exception exception, string? rejection, bool timedOut) =>
        rejection is not null ? TcpCloseReasons.HandshakeFailedPrefix + rejection
        : timedOut ? TcpCloseReasons.HandshakeTimeout
        : TcpCloseReasons.HandshakeFailedPrefix + (exception.InnerException?.Message is { } inner ? $"{exception.Message} ({inner})" : exception.Message);

    /// <summary>
    /// RFC 3261 §18.2.2: the connection a response belongs on is gone, so it is sent on a connection to the top Via's
    /// <c>received</c> address (else its sent-by host) and sent-by port (5060, or 5061 over TLS, when absent). Never blocks, never throws.
    /// </summary>
    public void SendOnNewConnection(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _ = SendOnNewConnectionAsync(response);
    }

    private async Task SendOnNewConnectionAsync(SipResponse response)
    {
        IPEndPoint? destination = null;
        try
        {
            var via = response.TopVia;
            var host = via.Received ?? via.Host;
            if (host.StartsWith('['))
            {
                host = host[1..^1];
            }

            if (!IPAddress.TryParse(host, out var address))
            {
                // Stamping adds received whenever the sent-by is not the source address, so a name is never reached.
                _sink.OnTransportError(_kind, null, new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Response {response.StatusCode} lost: Via host '{host}' is not an address.")));
                return;
            }

            // RFC 3261 §18.2.2, §19.1.2: without a port in the Via, 5060 for TCP and 5061 for TLS.
            destination = new IPEndPoint(address, via.Port ?? (_kind == SipTransportKind.Tls ? 5061 : 5060));
            var connection = await GetOrConnectAsync(null, destination, CancellationToken.None);
            if (connection is null || !connection.TrySend(response))
            {
                _sink.OnTransportError(_kind, destination, new IOException(
                    string.Create(CultureInfo.InvariantCulture, $"Response {response.StatusCode} lost: no connection to {destination}.")));
            }
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(_kind, destination, ex);
        }
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _sink.OnTransportError(_kind, null, ex);
                continue;
            }

            try
            {
                Admit(accepted);
            }
            catch (Exception ex)
            {
                _sink.OnTransportError(_kind, null, ex);
                accepted.Dispose();
            }
        }
    }

    private void Admit(Socket accepted)
    {
        var remote = Normalize((IPEndPoint)accepted.RemoteEndPoint!);
        if (!TryCount(remote.Address))
        {
            // Over a cap: closed at once, before a byte is read (a flood of connections costs no parsing).
            var reason = SourceCount(remote.Address) >= _settings.MaxConnectionsPerSource
                ? TcpCloseReasons.TooManyFromSource
                : TcpCloseReasons.TooManyConnections;
            accepted.Dispose();
            _sink.OnConnectionRefused(remote, reason);
            return;
        }

        try
        {
            accepted.NoDelay = true;
            if (_tls is null)
            {
                Run(new TcpSipConnection(accepted, _settings, _timeProvider, _sink, SendOnNewConnection), inbound: true);
            }
            else
            {
                // The accept loop goes on at once: a slow or silent handshake holds only its own task.
                var handshake = AcceptTlsAsync(accepted, remote, _tls);
                _handshakes[accepted] = handshake;
                if (handshake.IsCompleted)
                {
                    _handshakes.TryRemove(accepted, out _); // it finished before it was added
                }
            }
        }
        catch
        {
            Uncount(remote.Address);
            throw;
        }
    }

    /// <summary>
    /// The server side of the TLS handshake of an accepted (and counted) connection, then its run as a connection; on
    /// failure the socket is closed, uncounted and the reason reported. Never throws.
    /// </summary>
    private async Task AcceptTlsAsync(Socket accepted, IPEndPoint remote, SipTlsContext tls)
    {
        await Task.Yield();
        var rejection = new StrongBox<string?>();
        SslStream? stream = null;
        var admitted = false;
        using var timeout = new CancellationTokenSource(tls.HandshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        try
        {
            // RFC 8446 §5.1 / RFC 5246 §6.2.1: a TLS connection opens with a handshake record (content type 22). Peeking
            // at that byte names the commonest mistake, plain SIP sent to the TLS port, instead of a TLS decode error.
            var first = new byte[1];
            var peeked = await accepted.ReceiveAsync(first, SocketFlags.Peek, linked.Token);
            if (peeked == 0)
            {
                Fail(TcpCloseReasons.ClosedByPeer);
                return;
            }

            if (first[0] != 22)
            {
                Fail(TcpCloseReasons.NotTls);
                return;
            }

            stream = new SslStream(new NetworkStream(accepted, ownsSocket: true), leaveInnerStreamOpen: false);
            await stream.AuthenticateAsServerAsync(tls.ServerOptions(rejection), linked.Token);
            Run(new TcpSipConnection(accepted, stream, SipTransportKind.Tls, _settings, _timeProvider, _sink, SendOnNewConnection),
                inbound: true);
            admitted = true;
        }
        catch (Exception ex)
        {
            if (!_stopping.IsCancellationRequested)
            {
                Fail(HandshakeFailure(ex, rejection.Value, timeout.IsCancellationRequested));
            }
        }
        finally
        {
            if (!admitted)
            {
                if (stream is not null)
                {
                    await stream.DisposeAsync();
                }

                accepted.Dispose();
                Uncount(remote.Address);
            }

            _handshakes.TryRemove(accepted, out _);
        }

        void Fail(string reason) => _sink.OnTlsHandshakeFailed(remote, reason);
    }

    private void Run(TcpSipConnection connection, bool inbound)
    {
        _byRemote[connection.RemoteEndPoint] = connection;
        _connections[connection] = RunConnectionAsync(connection, inbound, _stopping.Token);
    }

    private async Task RunConnectionAsync(TcpSipConnection connection, bool inbound, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(_kind, connection.RemoteEndPoint, ex);
        }
        finally
        {
            _byRemote.TryRemove(new KeyValuePair<IPEndPoint, TcpSipConnection>(connection.RemoteEndPoint, connection));
            _connections.TryRemove(connection, out _);
            Uncount(inbound ? connection.RemoteEndPoint.Address : null);
            await connection.DisposeAsync();
        }
    }

    /// <summary>Counts a new connection if the caps allow it; <paramref name="source"/> is null for ours.</summary>
    private bool TryCount(IPAddress? source)
    {
        lock (_countsLock)
        {
            if (_total >= _settings.MaxConnections)
            {
                return false;
            }

            if (source is not null)
            {
                var count = _perSource.GetValueOrDefault(source);
                if (count >= _settings.MaxConnectionsPerSource)
                {
                    return false;
                }

                _perSource[source] = count + 1;
            }

            _total++;
            return true;
        }
    }

    private void Uncount(IPAddress? source)
    {
        lock (_countsLock)
        {
            _total--;
            if (source is not null && _perSource.TryGetValue(source, out var count))
            {
                if (count <= 1)
                {
                    _perSource.Remove(source);
                }
                else
                {
                    _perSource[source] = count - 1;
                }
            }
        }
    }

    private int SourceCount(IPAddress source)
    {
        lock (_countsLock)
        {
            return _perSource.GetValueOrDefault(source);
        }
    }

    /// <summary>IPv4-mapped IPv6 end points as IPv4, so lookups by remote end point find dual-stack connections.</summary>
    internal static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>Stops accepting, closes every connection and waits for them. Idempotent, never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _stopping.CancelAsync();
            _socket.Dispose();
            await _acceptLoop;
            await Task.WhenAll(_handshakes.Values);
            await Task.WhenAll(_connections.Values);
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(_kind, null, ex);
        }
    }
}
