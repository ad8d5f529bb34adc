using System.Buffers;
using System.Net;
using System.Net.Sockets;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// SIP over UDP (RFC 3261 §18): one socket, one receive loop on a thread of its own into one pooled buffer with a
/// reused <see cref="SocketAddress"/>. Each datagram is parsed (the parser copies what it keeps, so the buffer is reused
/// at once) and handed to the <see cref="ISipTransportSink"/>; malformed requests are answered when addressable.
/// </summary>
/// <remarks>
/// A thread, not an async loop: an async receive is one thread-pool continuation per datagram, so on a saturated core
/// INVITEs and ACKs waited unread in the socket buffer behind every other queued work item (at three times the set-up
/// capacity 136 of 3,000 calls lost their media that way; none with the thread, PERFORMANCE.md "Overload"). The thread
/// drains the socket as the kernel schedules it and each request is stamped on arrival, so the wait that follows is
/// measured (<see cref="SipServerRequest.QueueDelay"/>).
/// The receive buffer is rented from <see cref="ArrayPool{T}.Shared"/> by the loop and returned when the loop ends;
/// only the loop touches it. <see cref="Send"/> is synchronous (UDP sendto does not block on a healthy host) and
/// thread-safe. No exception escapes the loop: errors go to the sink, and the loop continues.
/// </remarks>
internal sealed class UdpSipTransport : IAsyncDisposable
{
    /// <summary>How often a blocked receive wakes to see whether the transport is stopping.</summary>
    private static readonly TimeSpan StopCheckInterval = TimeSpan.FromMilliseconds(250);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _sendBuffer;

    private readonly Socket _socket;
    private readonly int _maxMessageSize;
    private readonly ISipTransportSink _sink;
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _receiveThread;
    private int _disposed;

    public UdpSipTransport(IPEndPoint bindEndPoint, int maxMessageSize, ISipTransportSink sink)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        ArgumentNullException.ThrowIfNull(sink);
        _maxMessageSize = maxMessageSize;
        _sink = sink;
        _socket = new Socket(bindEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bindEndPoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public void Start()
    {
        _socket.ReceiveTimeout = (int)StopCheckInterval.TotalMilliseconds;
        _receiveThread = new Thread(() => ReceiveLoop(_stopping.Token)) { IsBackground = true, Name = "sip-udp-receive" };
        _receiveThread.Start();
    }

    /// <summary>Asks for a receive buffer of <paramref name="bytes"/>; returns what the kernel granted (Linux reports double the payload room).</summary>
    public int SetReceiveBuffer(int bytes)
    {
        try
        {
            _socket.ReceiveBufferSize = bytes;
        }
        catch (SocketException)
        {
            // Refused outright: keep the default and report it.
        }

        return _socket.ReceiveBufferSize;
    }

    /// <summary>Sends a response, or a client transaction's request, from the listening socket; false when it failed.</summary>
    /// <remarks>
    /// Written into a buffer of the sending thread's, not a new array per message (two per response before: the
    /// writer's and the copy handed to the socket): the datagram is gone once SendTo returns.
    /// </remarks>
    public bool Send(SipMessage message, IPEndPoint destination)
    {
        var buffer = _sendBuffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        SipMessageWriter.Write(message, buffer);
        try
        {
            _socket.SendTo(buffer.WrittenSpan, SocketFlags.None, destination);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _sink.OnTransportError(SipTransportKind.Udp, destination, ex);
            return false;
        }
    }

    private void ReceiveLoop(CancellationToken cancellationToken)
    {
        // One byte more than the cap, so an oversize datagram is detected instead of silently truncated.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_maxMessageSize, 65535) + 1);
        var address = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int received;
                try
                {
                    received = _socket.ReceiveFrom(buffer.AsSpan(), SocketFlags.None, address);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                    continue; // Nothing for StopCheckInterval: look at the stop flag again.
                }
                catch (SocketException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException ex)
                {
                    // e.g. ICMP port unreachable surfacing as ConnectionReset on some platforms.
                    _sink.OnTransportError(SipTransportKind.Udp, null, ex);
                    continue;
                }

                IPEndPoint? remote = null;
                try
                {
                    remote = (IPEndPoint)LocalEndPoint.Create(address);
                    HandleDatagram(buffer.AsMemory(0, received), remote);
                }
                catch (Exception ex)
                {
                    _sink.OnTransportError(SipTransportKind.Udp, remote, ex);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void HandleDatagram(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        SipMessage? message;
        try
        {
            if (datagram.Length > _maxMessageSize)
            {
                SipParseException.Throw(513, "message", "datagram exceeds the maximum message size");
            }

            if (!SipMessageParser.TryParse(new ReadOnlySequence<byte>(datagram), isDatagram: true, _maxMessageSize,
                    out message, out _))
            {
                return; // RFC 5626 CRLF keep-alive
            }
        }
        catch (SipParseException ex)
        {
            var answered = false;
            if (ex.CanRespond)
            {
                var topVia = SipViaStamping.Stamp(ex.PartialHeaders!, remote);
                Send(SipErrorResponses.For(ex), SipViaStamping.ResponseDestination(topVia, remote));
                answered = true;
            }

            _sink.OnParseError(ex, SipTransportKind.Udp, remote, answered);
            return;
        }

        switch (message)
        {
            case SipRequest request:
                var via = SipViaStamping.Stamp(request.Headers, remote);
                var destination = SipViaStamping.ResponseDestination(via, remote);
                _sink.OnRequest(request, new UdpResponseChannel(this, destination, remote));
                break;
            case SipResponse response:
                _sink.OnResponse(response, SipTransportKind.Udp, remote);
                break;
        }
    }

    /// <summary>Stops the receive loop and closes the socket. Idempotent and never throws (the stack and DI both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_receiveThread is { } thread)
        {
            // The loop sees the flag within StopCheckInterval; the socket goes once it is out of the receive.
            await Task.Run(() => thread.Join(StopCheckInterval * 8));
        }

        _socket.Dispose();
        _stopping.Dispose();
    }
}
