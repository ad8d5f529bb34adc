using System.Net;

namespace OrleansRecorder.Silo.Sip;

/// <summary>SIP stack log messages, EventIds 1000–1999.</summary>
internal static partial class SipLog
{
    [LoggerMessage(1000, LogLevel.Information, "SIP stack listening on UDP {UdpEndPoint} and TCP {TcpEndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint udpEndPoint, IPEndPoint tcpEndPoint);

    [LoggerMessage(1001, LogLevel.Debug, "SIP {Transport} request {Method} from {Remote}, Call-ID {CallId}")]
    public static partial void RequestReceived(ILogger logger, string transport, string method, IPEndPoint remote, string callId);

    [LoggerMessage(1002, LogLevel.Debug, "SIP {Transport} response {StatusCode} from {Remote} dropped: it matches no client transaction")]
    public static partial void ResponseDropped(ILogger logger, string transport, int statusCode, IPEndPoint remote);

    [LoggerMessage(1003, LogLevel.Debug, "Malformed SIP message over {Transport} from {Remote}: {StatusCode} {Field}: {Detail} (answered: {Answered})")]
    public static partial void ParseError(ILogger logger, string transport, IPEndPoint remote, int statusCode, string field, string detail, bool answered);

    [LoggerMessage(1004, LogLevel.Warning, "SIP {Transport} transport error (remote {Remote}); continuing")]
    public static partial void TransportError(ILogger logger, Exception exception, string transport, IPEndPoint? remote);

    [LoggerMessage(1005, LogLevel.Debug, "SIP TCP connection from {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "SIP request handler failed for {Method}, Call-ID {CallId}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string method, string callId);

    [LoggerMessage(1007, LogLevel.Warning, "2xx to INVITE Call-ID {CallId} was not acknowledged within 64*T1")]
    public static partial void AckTimeout(ILogger logger, string callId);

    [LoggerMessage(1008, LogLevel.Information, "INVITE Call-ID {CallId} cancelled by the caller")]
    public static partial void InviteCancelled(ILogger logger, string callId);

    [LoggerMessage(1009, LogLevel.Warning, "SIP request handler callback {Callback} failed for Call-ID {CallId}")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string callback, string callId);

    [LoggerMessage(1010, LogLevel.Warning, "SIP UDP receive buffer: asked for {Requested} bytes, the kernel granted {Granted}; raise net.core.rmem_max so a burst of INVITEs is not dropped")]
    public static partial void ReceiveBufferCapped(ILogger logger, int requested, int granted);

    [LoggerMessage(1040, LogLevel.Debug, "SIP {Transport} request {Method} sent to {Remote}, Call-ID {CallId}")]
    public static partial void RequestSent(ILogger logger, string transport, string method, IPEndPoint remote, string callId);

    [LoggerMessage(1041, LogLevel.Warning, "SIP {Transport} request {Method} to {Remote}, Call-ID {CallId}: no final response (timeout, transport failure or stopping)")]
    public static partial void RequestFailed(ILogger logger, string transport, string method, IPEndPoint remote, string callId);

    [LoggerMessage(1042, LogLevel.Warning, "SIP TCP connection from {Remote} refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1043, LogLevel.Warning, "SIP TCP connection to {Remote} closed: its peer does not read ({Reason})")]
    public static partial void SendQueueOverflow(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1044, LogLevel.Warning, "SIP stack disposal step {Step} failed; continuing")]
    public static partial void DisposeFailed(ILogger logger, Exception exception, string step);

    [LoggerMessage(1045, LogLevel.Information, "SIP over TLS listening on {TlsEndPoint} with certificate {Subject} (SHA-256 {Fingerprint}, expires {NotAfter:u})")]
    public static partial void ListeningTls(ILogger logger, IPEndPoint tlsEndPoint, string subject, string fingerprint, DateTime notAfter);

    [LoggerMessage(1046, LogLevel.Warning, "SIP TLS connection with {Remote} closed: {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, IPEndPoint remote, string reason);
}
