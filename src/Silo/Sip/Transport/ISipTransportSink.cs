using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>What the transports hand upward. Implementations must not throw and must not block.</summary>
internal interface ISipTransportSink
{
    void OnRequest(SipRequest request, ISipResponseChannel channel);

    /// <summary>A response arrived: matched to a client transaction, or counted and dropped.</summary>
    void OnResponse(SipResponse response, SipTransportKind transport, IPEndPoint remote);

    /// <summary>Malformed input; <paramref name="answered"/> says whether a 4xx/5xx went back.</summary>
    void OnParseError(SipParseException exception, SipTransportKind transport, IPEndPoint remote, bool answered);

    /// <summary>A loop caught an unexpected exception and continues (or a connection closes).</summary>
    void OnTransportError(SipTransportKind transport, IPEndPoint? remote, Exception exception);

    /// <summary>A TCP connection was closed by us (idle/slow sender, oversize, malformed) or by the peer.</summary>
    void OnConnectionClosed(IPEndPoint remote, string reason);

    /// <summary>A TCP connection was refused at once (<see cref="TcpCloseReasons"/>: over a connection cap).</summary>
    void OnConnectionRefused(IPEndPoint remote, string reason)
    {
    }

    /// <summary>
    /// A TLS connection, accepted or opened by us, was closed before it carried a message: no TLS, a handshake error or
    /// timeout, or a certificate the trust settings refuse (<paramref name="reason"/> says which).
    /// </summary>
    void OnTlsHandshakeFailed(IPEndPoint remote, string reason)
    {
    }
}
