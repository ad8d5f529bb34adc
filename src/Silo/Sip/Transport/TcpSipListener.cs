using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Accepts SIP-over-TCP connections, opens ours (client transactions, RFC 3261 §18.2.2 responses), and runs one
/// <see cref="TcpSipConnection"/> per socket; finds a live connection by its remote end point for reuse.
/// </summary>
/// <remarks>
/// Caps: accepted connections per source address and connections in total (both directions); a connection over a cap
/// is closed at once and reported through <see cref="ISipTransportSink.OnConnectionRefused"/>. No exception escapes
/// the accept loop or a connection's task; connections are closed when the listener is disposed. Disposal is
/// idempotent and never throws.
/// </remarks>
internal sealed class TcpSipListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TcpSipSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ISipTransportSink _sink;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpSipConnection, Task> _connections = new();
    private readonly ConcurrentDictionary<IPEndPoint, TcpSipConnection> _byRemote = new();

    // Guards the counts below, so a cap check and the increment it allows are one step.
    private readonly Lock _countsLock = new();
    private readonly Dictionary<IPAddress, int> _perSource = [];
    private int _total;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    public TcpSipListener(IPEndPoint bindEndPoint, TcpSipSettings settings, TimeProvider timeProvider, ISipTransportSink sink)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(sink);
        _settings = settings;
        _timeProvider = timeProvider;
        _sink = sink;
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
            var connection = new TcpSipConnection(socket, _settings, _timeProvider, _sink, SendOnNewConnection);
            counted = false;
            Run(connection, inbound: false);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Refused, unreachable, timed out or stopping: the caller gets null (no exception for network reasons).
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            _sink.OnTransportError(SipTransportKind.Tcp, destination, ex);
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

    /// <summary>
    /// RFC 3261 §18.2.2: the connection a response belongs on is gone, so it is sent on a connection to the top Via's
    /// <c>received</c> address (else its sent-by host) and sent-by port (5060 when absent). Never blocks, never throws.
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
                _sink.OnTransportError(SipTransportKind.Tcp, null, new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Response {response.StatusCode} lost: Via host '{host}' is not an address.")));
                return;
            }

            destination = new IPEndPoint(address, via.Port ?? 5060);
            var connection = await GetOrConnectAsync(null, destination, CancellationToken.None);
            if (connection is null || !connection.TrySend(response))
            {
                _sink.OnTransportError(SipTransportKind.Tcp, destination, new IOException(
                    string.Create(CultureInfo.InvariantCulture, $"Response {response.StatusCode} lost: no connection to {destination}.")));
            }
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(SipTransportKind.Tcp, destination, ex);
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
                _sink.OnTransportError(SipTransportKind.Tcp, null, ex);
                continue;
            }

            try
            {
                Admit(accepted);
            }
            catch (Exception ex)
            {
                _sink.OnTransportError(SipTransportKind.Tcp, null, ex);
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
            Run(new TcpSipConnection(accepted, _settings, _timeProvider, _sink, SendOnNewConnection), inbound: true);
        }
        catch
        {
            Uncount(remote.Address);
            throw;
        }
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
            _sink.OnTransportError(SipTransportKind.Tcp, connection.RemoteEndPoint, ex);
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
            await Task.WhenAll(_connections.Values);
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(SipTransportKind.Tcp, null, ex);
        }
    }
}
