using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>Responses of one UDP request, sent to the RFC 3261 §18.2.2 / RFC 3581 destination fixed at receive time.</summary>
internal sealed class UdpResponseChannel(UdpSipTransport transport, IPEndPoint destination, IPEndPoint remote) : ISipResponseChannel
{
    public SipTransportKind Kind => SipTransportKind.Udp;

    public bool IsReliable => false;

    public IPEndPoint RemoteEndPoint { get; } = remote;

    public IPEndPoint LocalEndPoint => transport.LocalEndPoint;

    public IPEndPoint Destination { get; } = destination;

    public void Send(SipResponse response) => transport.Send(response, Destination);
}
