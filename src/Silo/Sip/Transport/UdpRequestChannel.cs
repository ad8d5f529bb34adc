using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Requests of one UDP client transaction, sent from the stack's listening socket so the peer sees our sent-by port as
/// the source (and answers there, RFC 3261 §18.2.2, RFC 3581).
/// </summary>
internal sealed class UdpRequestChannel(UdpSipTransport transport, IPEndPoint destination) : ISipRequestChannel
{
    public SipTransportKind Kind => SipTransportKind.Udp;

    public bool IsReliable => false;

    public IPEndPoint RemoteEndPoint { get; } = destination;

    public bool Send(SipRequest request) => transport.Send(request, RemoteEndPoint);
}
