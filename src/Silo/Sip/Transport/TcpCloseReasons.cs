namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>The reasons a TCP or TLS connection is closed or refused, as passed to <see cref="ISipTransportSink"/>.</summary>
internal static class TcpCloseReasons
{
    public const string ClosedByPeer = "closed by peer";
    public const string Stopping = "stopping";
    public const string ConnectionError = "connection error";
    public const string UnexpectedError = "unexpected error";
    public const string IncompleteMessageTimeout = "incomplete message timeout";
    public const string IdleTimeout = "idle timeout";

    /// <summary>The peer does not read: more than the queue's message or byte limit waits to be written.</summary>
    public const string SendQueueFull = "send queue full";

    public const string TooManyFromSource = "too many connections from this source";
    public const string TooManyConnections = "too many connections";

    /// <summary>The TLS handshake did not finish within the handshake timeout (a peer that connects and waits).</summary>
    public const string HandshakeTimeout = "TLS handshake timeout";

    /// <summary>
    /// The first byte on the TLS port is not a TLS handshake record (RFC 8446 §5.1, RFC 5246 §6.2.1: content type 22):
    /// a peer speaking plain SIP to the TLS port.
    /// </summary>
    public const string NotTls = "not TLS (plain text on the TLS port)";

    /// <summary>Prefix of the reason a handshake failed for (the certificate check's reason or the TLS error follows).</summary>
    public const string HandshakeFailedPrefix = "TLS handshake failed: ";
}
