using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Where the requests of one client transaction go: a UDP destination sent to from the stack's listening socket, or a
/// TCP connection (RFC 3261 §18.1.1).
/// </summary>
/// <remarks><see cref="Send"/> must not block: the client transaction table calls it while holding its lock.</remarks>
internal interface ISipRequestChannel
{
    SipTransportKind Kind { get; }

    /// <summary>True for TCP: sent once, no Timer E, Timer K is zero (RFC 3261 §17.1.2.2).</summary>
    bool IsReliable { get; }

    IPEndPoint RemoteEndPoint { get; }

    /// <summary>Queues or sends <paramref name="request"/>; false when the transport failed (RFC 3261 §17.1.4).</summary>
    bool Send(SipRequest request);
}
