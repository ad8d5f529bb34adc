using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Where the responses of one server transaction go: a UDP destination computed per RFC 3261 §18.2.2 / RFC 3581, or
/// the TCP connection the request came in on (§18.2.2: responses go back on the same connection).
/// </summary>
/// <remarks><see cref="Send"/> must not block: the transaction table calls it while holding its lock.</remarks>
internal interface ISipResponseChannel
{
    SipTransportKind Kind { get; }

    /// <summary>True for TCP: no retransmissions by timers G and 2xx, timers I and J are zero (RFC 3261 §17.2).</summary>
    bool IsReliable { get; }

    IPEndPoint RemoteEndPoint { get; }

    IPEndPoint LocalEndPoint { get; }

    void Send(SipResponse response);
}
