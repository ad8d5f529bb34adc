using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Silo.Configuration;

/// <summary>The RTP port range: one port per leg.</summary>
internal sealed class RtpOptions
{
    public int PortMin { get; set; } = 20000;
    public int PortMax { get; set; } = 20999;

    /// <summary>A leg with no accepted packet for this long ends and its recording is flagged.</summary>
    public TimeSpan MediaTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Which RTP source a leg takes: <c>strict</c> (only the address the SDP declared; CUCM) or <c>latch</c> (the first
    /// stream's address, port and SSRC, whatever the SDP says; peers behind NAT, relays, multi-homed hosts).
    /// </summary>
    public MediaSourceRule SourceRule { get; set; } = MediaSourceRule.Strict;

    /// <summary>CIDR blocks (or single addresses) of SIP peers whose legs latch even though <see cref="SourceRule"/> is strict.</summary>
    public List<string> LatchPeers { get; set; } = [];

    /// <summary>
    /// Read every leg's socket on a few receive threads with epoll and recvmmsg (Linux x86-64/arm64); false: one async
    /// receive loop per leg, as on other platforms.
    /// </summary>
    public bool BatchedReceive { get; set; } = true;

    /// <summary>Receive threads of the batched receive; 0: one per four cores, one to eight.</summary>
    public int ReceiveThreads { get; set; }

    /// <summary>
    /// Least time between two wake-ups of a receive thread (0 to 100 ms): the longer, the more packets one wake-up and
    /// one recvmmsg serve. Arrival times come from the kernel, so it only delays when audio reaches the segment files.
    /// </summary>
    public TimeSpan ReceiveBatchWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The codecs of our delayed offer, in order (PCMU, PCMA, G722, G729, opus); empty: every codec this node decodes,
    /// G.711 first. Entries we cannot decode are left out and logged at start-up.
    /// </summary>
    public List<string> OfferedCodecs { get; set; } = [];
}
