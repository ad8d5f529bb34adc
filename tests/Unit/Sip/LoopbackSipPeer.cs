using System.Buffers;
using System.Net;
using System.Net.Sockets;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// The far end of one TCP connection on loopback, as a test drives it: writes raw SIP text and reads whole messages,
/// framed by the production parser. Every read is bounded by <see cref="Timeout"/>.
/// </summary>
internal sealed class LoopbackSipPeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ArrayBufferWriter<byte> _pending = new();

    public LoopbackSipPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<LoopbackSipPeer> ConnectAsync(int port, int receiveBufferSize = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = receiveBufferSize;
        }

        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
        return new LoopbackSipPeer(socket);
    }

    public async Task WriteAsync(string text) =>
        await _stream.WriteAsync(SipTestMessages.Bytes(text), TestContext.Current.CancellationToken);

    public Task WriteAsync(SipMessage message) =>
        _stream.WriteAsync(SipMessageWriter.ToArray(message), TestContext.Current.CancellationToken).AsTask();

    /// <summary>The next message, or null when the other end closed the connection.</summary>
    public async Task<SipMessage?> ReadAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        var buffer = new byte[8192];
        while (true)
        {
            if (_pending.WrittenCount > 0 &&
                SipMessageParser.TryParse(new ReadOnlySequence<byte>(_pending.WrittenMemory), isDatagram: false, 65535,
                    out var message, out var consumed))
            {
                var rest = _pending.WrittenSpan[(int)consumed.GetInteger()..].ToArray();
                _pending.Clear();
                _pending.Write(rest);
                return message;
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                return null; // reset by the other end
            }

            if (read == 0)
            {
                return null;
            }

            _pending.Write(buffer.AsSpan(0, read));
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
