namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>The transport a request arrived on.</summary>
internal enum SipTransportKind
{
    Udp,
    Tcp,
}
