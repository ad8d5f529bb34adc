using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// One SIP-over-TCP or SIP-over-TLS connection (RFC 3261 §18.3, §26.2.1), accepted or opened by us: a
/// <see cref="PipeReader"/> over the connection's stream (a <see cref="NetworkStream"/>, or an authenticated
/// <see cref="System.Net.Security.SslStream"/> over it for TLS: the framing is the same), framed by Content-Length through <see cref="SipMessageParser"/>, capped at the maximum
/// message size. Requests and responses read on it go to the sink whichever end opened it. It is the response channel
/// of the requests it reads (responses go back on the same connection, §18.2.2) and a request channel for client
/// transactions (§18.1.1).
/// </summary>
/// <remarks>
/// Slow senders (slowloris): once the buffer holds part of a message, the rest must arrive within the incomplete
/// message timeout (timed by the injected <see cref="TimeProvider"/>), or the connection is closed. Idle connections
/// (nothing read or written, no message in progress) are closed after the idle timeout by a watchdog timer.
/// Malformed input is answered (400/505/513) if addressable, then the connection is closed: after a framing error the
/// stream cannot be resynchronised.
/// Sending never blocks: messages are queued to a single writer loop; the queue is bounded in messages and bytes, and a
/// peer that lets it fill (it does not read) gets its connection closed. A response sent after the connection is
/// gone is handed to the orphaned-response callback, which opens a new connection per §18.2.2.
/// </remarks>
internal sealed class TcpSipConnection : ISipResponseChannel, ISipRequestChannel, IAsyncDisposable
{
    /// <summary>How long the queued messages may take to flush when the read side ends on its own.</summary>
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SipTransportKind _kind;
    private readonly TcpSipSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ISipTransportSink _sink;
    private readonly Action<SipResponse>? _onOrphanedResponse;
    private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly ITimer? _idleTimer;
    private long _lastActivity;
    private int _queuedMessages;
    private long _queuedBytes;
    private int _messageInProgress;
    private string? _closeReason;
    private int _disposed;

    public TcpSipConnection(Socket socket, TcpSipSettings settings, TimeProvider timeProvider, ISipTransportSink sink,
        Action<SipResponse>? onOrphanedResponse = null)
        : this(socket, new NetworkStream(socket, ownsSocket: true), SipTransportKind.Tcp, settings, timeProvider, sink, onOrphanedResponse)
    {
    }

    /// <param name="socket">The connected socket, shut down when the connection ends.</param>
    /// <param name="stream">What is read and written: over <paramref name="socket"/>, owning it (disposed at the end).</param>
    /// <param name="kind">TCP, or TLS when <paramref name="stream"/> is an authenticated TLS stream.</param>
    /// <param name="settings">Caps and timeouts.</param>
    /// <param name="timeProvider">Times the idle and incomplete-message timeouts.</param>
    /// <param name="sink">Where messages and the close go.</param>
    /// <param name="onOrphanedResponse">Sends a response whose connection is gone (RFC 3261 §18.2.2).</param>
    public TcpSipConnection(Socket socket, Stream stream, SipTransportKind kind, TcpSipSettings settings, TimeProvider timeProvider,
        ISipTransportSink sink, Action<SipResponse>? onOrphanedResponse = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(sink);
        _socket = socket;
        _stream = stream;
        _kind = kind;
        _settings = settings;
        _timeProvider = timeProvider;
        _sink = sink;
        _onOrphanedResponse = onOrphanedResponse;
        RemoteEndPoint = TcpSipListener.Normalize((IPEndPoint)socket.RemoteEndPoint!);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _lastActivity = timeProvider.GetTimestamp();
        if (settings.IdleTimeout > TimeSpan.Zero)
        {
            _idleTimer = timeProvider.CreateTimer(static s => ((TcpSipConnection)s!).OnIdleTimer(), this,
                settings.IdleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    public SipTransportKind Kind => _kind;

    public bool IsReliable => true;

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>True once the connection is closing or closed: nothing more can be sent on it.</summary>
    public bool IsClosed => Volatile.Read(ref _closeReason) is not null;

    /// <summary>
    /// Sends a response on this connection; when it is gone (or its peer stopped reading), RFC 3261 §18.2.2: the
    /// response goes on a new connection to the top Via's received address and sent-by port.
    /// </summary>
    public void Send(SipResponse response)
    {
        if (!TrySend(response))
        {
            _onOrphanedResponse?.Invoke(response);
        }
    }

    bool ISipRequestChannel.Send(SipRequest request) => TrySend(request);

    /// <summary>Queues <paramref name="message"/> for the writer; false when the connection is closed or the queue is full.</summary>
    /// <remarks>Never blocks. Over the queue's limits the connection is closed (counted by the sink's close reason).</remarks>
    public bool TrySend(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsClosed)
        {
            return false;
        }

        var bytes = SipMessageWriter.ToArray(message);
        var messages = Interlocked.Increment(ref _queuedMessages);
        var queuedBytes = Interlocked.Add(ref _queuedBytes, bytes.Length);
        if (messages > _settings.MaxQueuedMessages || queuedBytes > _settings.MaxQueuedBytes)
        {
            Dequeued(bytes.Length);
            Close(TcpCloseReasons.SendQueueFull);
            return false;
        }

        if (!_outgoing.Writer.TryWrite(bytes))
        {
            Dequeued(bytes.Length);
            return false;
        }

        Volatile.Write(ref _lastActivity, _timeProvider.GetTimestamp());
        return true;
    }

    /// <summary>Asks the connection to close with <paramref name="reason"/> (the first reason given wins); never blocks.</summary>
    public void Close(string reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        try
        {
            // Asynchronously: the caller may hold the transaction table's lock, and the read loop's cancellation
            // continuations must not run on its thread.
            _ = _closing.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already run down.
        }
    }

    /// <summary>Reads until the peer closes, an error, a timeout, <see cref="Close"/> or <paramref name="cancellationToken"/>; then closes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var writer = WriteLoopAsync(linked.Token);
        var reason = TcpCloseReasons.ClosedByPeer;
        try
        {
            reason = await ReadLoopAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            reason = Volatile.Read(ref _closeReason) ?? TcpCloseReasons.Stopping;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = Volatile.Read(ref _closeReason) ?? TcpCloseReasons.ConnectionError;
        }
        catch (Exception ex)
        {
            _sink.OnTransportError(_kind, RemoteEndPoint, ex);
            reason = TcpCloseReasons.UnexpectedError;
        }
        finally
        {
            reason = Interlocked.CompareExchange(ref _closeReason, reason, null) ?? reason;
            _outgoing.Writer.TryComplete();
            _idleTimer?.Dispose();
            await FlushAsync(writer, linked);
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

    /// <summary>Lets the writer send what was queued before the read side ended (an error response), within a bound.</summary>
    private async Task FlushAsync(Task writer, CancellationTokenSource linked)
    {
        try
        {
            await writer.WaitAsync(FlushTimeout, _timeProvider);
        }
        catch (TimeoutException)
        {
            await linked.CancelAsync();
            await writer;
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
                               Max(_settings.IncompleteMessageTimeout - _timeProvider.GetElapsedTime(since), TimeSpan.Zero),
                               _timeProvider)
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
                        return TcpCloseReasons.IncompleteMessageTimeout;
                    }
                }

                Volatile.Write(ref _lastActivity, _timeProvider.GetTimestamp());
                var buffer = result.Buffer;
                var closeReason = ParseAll(ref buffer);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (closeReason is not null)
                {
                    return closeReason;
                }

                incompleteSince = buffer.IsEmpty ? null : incompleteSince ?? _timeProvider.GetTimestamp();
                Volatile.Write(ref _messageInProgress, incompleteSince is null ? 0 : 1);
                if (result.IsCompleted)
                {
                    return TcpCloseReasons.ClosedByPeer;
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
                if (!SipMessageParser.TryParse(buffer, isDatagram: false, _settings.MaxMessageSize, out message, out var consumed))
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
                    answered = TrySend(SipErrorResponses.For(ex));
                }

                _sink.OnParseError(ex, _kind, RemoteEndPoint, answered);
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
                    _sink.OnResponse(response, _kind, RemoteEndPoint);
                    break;
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var bytes in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                await _stream.WriteAsync(bytes, cancellationToken);
                Dequeued(bytes.Length);
                Volatile.Write(ref _lastActivity, _timeProvider.GetTimestamp());
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away, or the connection is being closed; the read side reports the close.
            _outgoing.Writer.TryComplete();
        }
    }

    private void Dequeued(int bytes)
    {
        Interlocked.Decrement(ref _queuedMessages);
        Interlocked.Add(ref _queuedBytes, -bytes);
    }

    /// <remarks>
    /// Timer callback: closes the connection once nothing was read or written for the idle timeout, unless a message
    /// is in progress (the incomplete message timeout governs that); otherwise re-arms for the time left.
    /// </remarks>
    private void OnIdleTimer()
    {
        try
        {
            if (IsClosed)
            {
                return;
            }

            var idle = _timeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity));
            if (Volatile.Read(ref _messageInProgress) == 0 && idle >= _settings.IdleTimeout)
            {
                Close(TcpCloseReasons.IdleTimeout);
                return;
            }

            var left = _settings.IdleTimeout - idle;
            _idleTimer?.Change(left > TimeSpan.Zero ? left : _settings.IdleTimeout, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Stops the connection (its <see cref="RunAsync"/> ends). Idempotent, never throws.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Close(TcpCloseReasons.Stopping);
            _idleTimer?.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
