using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// One SIP-over-TCP connection (RFC 3261 §18.3): a <see cref="PipeReader"/> over the <see cref="NetworkStream"/>,
/// framed by Content-Length through <see cref="SipMessageParser"/>, capped at the maximum message size. It is also
/// the response channel of the requests it reads: responses go back on the same connection (§18.2.2).
/// </summary>
/// <remarks>
/// Slow senders (slowloris): once the buffer holds part of a message, the rest must arrive within
/// <c>incompleteMessageTimeout</c> (timed by the injected <see cref="TimeProvider"/>), or the connection is closed.
/// Malformed input is answered (400/505/513) if addressable, then the connection is closed: after a framing error the
/// stream cannot be resynchronised. <see cref="Send"/> never blocks: it queues to a single writer loop.
/// </remarks>
internal sealed class TcpSipConnection : ISipResponseChannel, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly int _maxMessageSize;
    private readonly TimeSpan _incompleteMessageTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ISipTransportSink _sink;
    private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();

    public TcpSipConnection(Socket socket, int maxMessageSize, TimeSpan incompleteMessageTimeout, TimeProvider timeProvider,
        ISipTransportSink sink)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _maxMessageSize = maxMessageSize;
        _incompleteMessageTimeout = incompleteMessageTimeout;
        _timeProvider = timeProvider;
        _sink = sink;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public SipTransportKind Kind => SipTransportKind.Tcp;

    public bool IsReliable => true;

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    public void Send(SipResponse response) => _outgoing.Writer.TryWrite(SipMessageWriter.ToArray(response));

    /// <summary>Reads until the peer closes, an error, a timeout or <paramref name="cancellationToken"/>; then closes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var writer = WriteLoopAsync();
        var reason = "closed by peer";
        try
        {
            reason = await ReadLoopAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            reason = "stopping";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = "connection error";
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(SipTransportKind.Tcp, RemoteEndPoint, ex);
            reason = "unexpected error";
        }
        finally
        {
            _outgoing.Writer.TryComplete();
            await writer;
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already reset by the peer.
            }

            await _stream.DisposeAsync();
            _sink.OnConnectionClosed(RemoteEndPoint, reason);
        }
    }

    private async Task<string> ReadLoopAsync(CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        long? incompleteSince = null;
        try
        {
            while (true)
            {
                ReadResult result;
                using (var deadline = incompleteSince is { } since
                           ? new CancellationTokenSource(
                               Max(_incompleteMessageTimeout - _timeProvider.GetElapsedTime(since), TimeSpan.Zero), _timeProvider)
                           : null)
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken,
                           deadline?.Token ?? CancellationToken.None))
                {
                    try
                    {
                        result = await reader.ReadAsync(linked.Token);
                    }
                    catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true &&
                                                             !cancellationToken.IsCancellationRequested)
                    {
                        return "incomplete message timeout";
                    }
                }

                var buffer = result.Buffer;
                var closeReason = ParseAll(ref buffer);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (closeReason is not null)
                {
                    return closeReason;
                }

                incompleteSince = buffer.IsEmpty ? null : incompleteSince ?? _timeProvider.GetTimestamp();
                if (result.IsCompleted)
                {
                    return "closed by peer";
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <returns>A reason to close, or null to keep reading.</returns>
    private string? ParseAll(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            SipMessage? message;
            try
            {
                if (!SipMessageParser.TryParse(buffer, isDatagram: false, _maxMessageSize, out message, out var consumed))
                {
                    buffer = buffer.Slice(consumed);
                    return null;
                }

                buffer = buffer.Slice(consumed);
            }
            catch (SipParseException ex)
            {
                var answered = false;
                if (ex.CanRespond)
                {
                    SipViaStamping.Stamp(ex.PartialHeaders!, RemoteEndPoint);
                    Send(SipErrorResponses.For(ex));
                    answered = true;
                }

                _sink.OnParseError(ex, SipTransportKind.Tcp, RemoteEndPoint, answered);
                buffer = buffer.Slice(buffer.End);
                return $"malformed message ({ex.StatusCode})";
            }

            switch (message)
            {
                case SipRequest request:
                    SipViaStamping.Stamp(request.Headers, RemoteEndPoint);
                    _sink.OnRequest(request, this);
                    break;
                case SipResponse response:
                    _sink.OnResponse(response, SipTransportKind.Tcp, RemoteEndPoint);
                    break;
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var bytes in _outgoing.Reader.ReadAllAsync())
            {
                await _stream.WriteAsync(bytes);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The peer went away; the read side reports the close.
            _outgoing.Writer.TryComplete();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _closing.Dispose();
    }
}
