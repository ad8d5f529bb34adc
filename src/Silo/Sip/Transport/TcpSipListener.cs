using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>Accepts SIP-over-TCP connections and runs one <see cref="TcpSipConnection"/> per socket.</summary>
/// <remarks>No exception escapes the accept loop; connections are closed when the listener is disposed.</remarks>
internal sealed class TcpSipListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly int _maxMessageSize;
    private readonly TimeSpan _incompleteMessageTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ISipTransportSink _sink;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpSipConnection, Task> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    public TcpSipListener(IPEndPoint bindEndPoint, int maxMessageSize, TimeSpan incompleteMessageTimeout,
        TimeProvider timeProvider, ISipTransportSink sink)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        _maxMessageSize = maxMessageSize;
        _incompleteMessageTimeout = incompleteMessageTimeout;
        _timeProvider = timeProvider;
        _sink = sink;
        _socket = new Socket(bindEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(bindEndPoint);
        _socket.Listen(512);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public int ConnectionCount => _connections.Count;

    public void Start() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

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
                accepted.NoDelay = true;
                var connection = new TcpSipConnection(accepted, _maxMessageSize, _incompleteMessageTimeout, _timeProvider, _sink);
                _connections[connection] = RunConnectionAsync(connection, cancellationToken);
            }
            catch (Exception ex)
            {
                _sink.OnTransportError(SipTransportKind.Tcp, null, ex);
                accepted.Dispose();
            }
        }
    }

    private async Task RunConnectionAsync(TcpSipConnection connection, CancellationToken cancellationToken)
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
            _connections.TryRemove(connection, out _);
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }
}
