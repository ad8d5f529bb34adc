using System.Net;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip;

/// <summary>Options of the <see cref="SipStack"/>.</summary>
internal sealed class SipStackOptions
{
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>
    /// The address in the sent-by of the Via of requests we send (RFC 3261 §18.1.1); null: the listen address when it
    /// is a specific one, else the local address the system routes to the destination from.
    /// </summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>UDP and TCP port; 0 picks free ports (see <see cref="SipStack.UdpPort"/> and <see cref="SipStack.TcpPort"/>).</summary>
    public int Port { get; set; } = 5060;

    /// <summary>
    /// The SIP-over-TLS port (RFC 3261 §26.2.1; 5061 by convention, CUCM's default); 0 picks a free one (see
    /// <see cref="SipStack.TlsPort"/>). TLS is off when <see cref="Tls"/> is null.
    /// </summary>
    public int TlsPort { get; set; } = 5061;

    /// <summary>The node's certificate and the peer policy; null: no TLS listener, and requests to TLS targets fail.</summary>
    public SipTlsContext? Tls { get; set; }

    public int MaxMessageSize { get; set; } = 65535;

    /// <summary>SO_RCVBUF asked for the UDP socket (0: the system default); see <see cref="Configuration.SipOptions.UdpReceiveBufferBytes"/>.</summary>
    public int UdpReceiveBufferBytes { get; set; }

    /// <summary>A TCP connection holding part of a message for longer than this is closed (slowloris).</summary>
    public TimeSpan IncompleteMessageTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A TCP connection with nothing read or written for this long (and no message in progress) is closed, so
    /// connections of vanished peers do not pile up; zero turns it off. CUCM keeps its trunk connection busy with
    /// OPTIONS pings well inside the default.
    /// </summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>TCP connections accepted from one source address; the next one is closed at once (counted, logged).</summary>
    public int MaxConnectionsPerSource { get; set; } = 32;

    /// <summary>TCP connections in total, accepted and opened by us; the next one is refused (counted, logged).</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Messages waiting to be written on one TCP connection; one more closes it (its peer does not read).</summary>
    public int TcpSendQueueMessages { get; set; } = 256;

    /// <summary>Bytes waiting to be written on one TCP connection; more closes it.</summary>
    public int TcpSendQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>How long opening a TCP connection for a request (or a §18.2.2 response) may take.</summary>
    public TimeSpan TcpConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a source address is a trusted peer (null: all are). Others are rate-limited.</summary>
    public Func<IPAddress, bool>? IsTrustedSource { get; set; }

    /// <summary>Requests per second accepted from each untrusted source; beyond that they are dropped and counted.</summary>
    public int UntrustedRequestsPerSecond { get; set; } = 20;

    public SipTimerOptions Timers { get; set; } = new();

    /// <summary>RFC 3261 §17.2.1: how long an INVITE's handling may run before a 100 (Trying) is sent.</summary>
    public TimeSpan TryingDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
