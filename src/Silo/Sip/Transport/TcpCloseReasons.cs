namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>The reasons a TCP connection is closed or refused, as passed to <see cref="ISipTransportSink"/>.</summary>
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
}
