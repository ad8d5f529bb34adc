namespace OrleansRecorder.Silo.Configuration;

/// <summary>The SIP edge (UDP and TCP on one port).</summary>
internal sealed class SipOptions
{
    public string ListenAddress { get; set; } = "0.0.0.0";
    public int Port { get; set; } = 5060;

    /// <summary>SIP over TLS port (CUCM's secure trunk, 5061 by default); 0 picks a free port, a negative value turns TLS off.</summary>
    public int TlsPort { get; set; } = 5061;

    /// <summary>The TLS certificate and peer trust.</summary>
    public SipTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// Refuse (403 with a Warning) INVITEs that did not arrive over TLS: for customers who must never receive keys or
    /// audio in clear (SECURE_MEDIA.md §1: CUCM sends SRTP keys only over a secure trunk).
    /// </summary>
    public bool RequireSecure { get; set; }

    /// <summary>Address written into Contact and SDP; defaults to the first non-loopback address, or loopback when listening on it.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>CIDR blocks allowed to send INVITE (the CUCM nodes). Others get 403.</summary>
    public List<string> TrustedPeers { get; set; } = [];

    /// <summary>A TCP connection holding an incomplete message this long is closed (slow senders, slowloris).</summary>
    public TimeSpan IncompleteMessageTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A TCP connection with nothing read or written for this long is closed (peers that vanished); 0 turns it off.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>TCP connections accepted from one source address; the next one is closed at once.</summary>
    public int MaxConnectionsPerSource { get; set; } = 32;

    /// <summary>TCP connections in total (accepted and opened); the next one is refused.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Requests per second answered for each source that is not a trusted peer; the rest are dropped.</summary>
    public int UntrustedRequestsPerSecond { get; set; } = 20;

    /// <summary>
    /// Receive buffer asked for the UDP socket: a burst of INVITEs (CUCM after a failover, hundreds of calls a second)
    /// must wait in the kernel, not be dropped and retransmitted 0.5–7.5 s later. Linux caps it at net.core.rmem_max.
    /// </summary>
    public int UdpReceiveBufferBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// A new call's INVITE that waited longer than this for a thread is refused with 503 (ARCHITECTURE.md: a node near
    /// its capacity sends new calls to the backup rather than degrade every call); legs joining a recording already open
    /// here are still taken. 0 turns the check off.
    /// </summary>
    public TimeSpan MaxInviteQueueDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// New calls' INVITEs (two per call) admitted and not yet answered, at most; the INVITE of a further call is answered
    /// 503 as it arrives, so an overloaded node sends the excess to the backup at once instead of answering it seconds
    /// late. 200 is about one second of set-ups on a core (PERFORMANCE.md: ~100 calls/s), far above what a node with
    /// CPU to spare ever holds (a dozen at 100 calls/s). 0 turns the cap off.
    /// </summary>
    public int MaxInvitesInProgress { get; set; } = 200;

    /// <summary>
    /// Concurrent calls this node records; a new call's INVITE beyond them is answered 503 + Retry-After as it arrives
    /// (CUCM records the call on the backup), and legs joining a call already recorded here are still taken. Unset:
    /// 500 for each processor the process may use (<see cref="Calls.CallCapacity.DefaultPerProcessor"/>). 0 turns it off.
    /// </summary>
    public int? CallCapacity { get; set; }

    /// <summary>
    /// On a graceful stop (SIGTERM), how long calls in progress may go on while new INVITEs and OPTIONS get 503 (CUCM
    /// sends new calls to the backup). Calls still up then get our BYE and are finalized; the process exits 0.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Seconds put in Retry-After of a 503.</summary>
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>
    /// Accept an SRTP offer (SDES <c>a=crypto</c>) that came over UDP or TCP, where its keys travel in clear. Off by
    /// default: such an offer gets 488 with a Warning (RFC 4568 §8.3 wants SDES only over a secure channel).
    /// </summary>
    public bool AllowSrtpOverInsecureTransport { get; set; }
}
