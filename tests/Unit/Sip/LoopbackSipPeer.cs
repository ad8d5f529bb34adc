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
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _pending = new();

    public LoopbackSipPeer(Socket socket)
        : this(socket, new NetworkStream(socket, ownsSocket: true))
    {
    }

    /// <summary>A peer over <paramref name="stream"/> (an authenticated TLS stream over <paramref name="socket"/>, owning it).</summary>
    public LoopbackSipPeer(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>The TLS stream when the peer speaks TLS.</summary>
    public System.Net.Security.SslStream? Tls => _stream as System.Net.Security.SslStream;

    /// <summary>Connects over TLS with <paramref name="options"/>; the handshake's exception, if any, escapes.</summary>
    public static async Task<LoopbackSipPeer> ConnectTlsAsync(int port, System.Net.Security.SslClientAuthenticationOptions options)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
        var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: true));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        return new LoopbackSipPeer(socket, tls);
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
            catch (System.Security.Authentication.AuthenticationException)
            {
                return null; // TLS 1.3: the server refused our certificate after our side of the handshake finished
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
