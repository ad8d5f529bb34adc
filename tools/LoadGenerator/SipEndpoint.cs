using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// The UAC's one SIP socket on 127.0.0.1: sends requests, and one receive thread hands each response to the leg whose
/// Call-ID it carries. Requests from the recorder (a BYE on media timeout) are answered 200 and passed to the leg.
/// </summary>
internal sealed class SipEndpoint : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentDictionary<string, CallLeg> _legs = new(StringComparer.Ordinal);
    private readonly IPEndPoint _target;
    private readonly Thread _receiver;
    private volatile bool _stopped;

    public SipEndpoint(IPEndPoint target)
    {
        _target = target;
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "sip-receive" };
        _receiver.Start();
    }

    public IPEndPoint LocalEndPoint { get; }

    public IPEndPoint Target => _target;

    private long _parseErrors;

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    public void Register(CallLeg leg) => _legs[leg.CallId] = leg;

    public void Unregister(CallLeg leg) => _legs.TryRemove(leg.CallId, out _);

    public void Send(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        try
        {
            _socket.SendTo(bytes, SocketFlags.None, _target);
        }
        catch (SocketException)
        {
            // ICMP port unreachable from an earlier datagram, or a full buffer: the transaction's retransmission covers it.
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopped)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, ref any);
            }
            catch (SocketException) when (!_stopped)
            {
                continue;
            }
            catch (Exception) when (_stopped)
            {
                return;
            }

            var message = SipMessage.TryParse(buffer.AsSpan(0, length));
            if (message is null)
            {
                Interlocked.Increment(ref _parseErrors);
                continue;
            }

            if (message.IsRequest)
            {
                if (message.RequestMethod != "ACK")
                {
                    Send(OkFor(message));
                }
            }

            if (_legs.TryGetValue(message.CallId, out var leg))
            {
                leg.OnMessage(message);
            }
        }
    }

    private static string OkFor(SipMessage request)
    {
        var builder = new StringBuilder(512);
        builder.Append("SIP/2.0 200 OK\r\n");
        foreach (var via in request.Vias)
        {
            builder.Append("Via: ").Append(via).Append("\r\n");
        }

        builder.Append("From: ").Append(request.From).Append("\r\n")
            .Append("To: ").Append(request.To).Append("\r\n")
            .Append("Call-ID: ").Append(request.CallId).Append("\r\n")
            .Append("CSeq: ").Append(request.CSeq).Append("\r\n")
            .Append("Content-Length: 0\r\n\r\n");
        return builder.ToString();
    }

    public void Dispose()
    {
        _stopped = true;
        _socket.Dispose();
        _receiver.Join(TimeSpan.FromSeconds(2));
    }
}
