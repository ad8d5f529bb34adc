namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>The transport a request arrived on.</summary>
internal enum SipTransportKind
{
    Udp,
    Tcp,

    /// <summary>SIP over TLS over TCP (RFC 3261 §26.2.1, RFC 5246/8446): the framing of TCP on an authenticated stream.</summary>
    Tls,
}
