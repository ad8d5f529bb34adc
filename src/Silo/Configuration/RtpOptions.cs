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
    /// <remarks>
    /// 60 ms, three packet times of 20 ms: each recvmmsg then takes about three packets of a leg instead of one, and a
    /// system call is most of what a packet costs. Measured at 200 calls on one core (docs/PERFORMANCE.md, "Receive
    /// batch window"): 20 ms cost 1.5 times what a C receiver that reads each packet as it comes costs, 40 ms 1.3, 60 ms
    /// 1.0, 100 ms 0.9. What it delays is only when audio reaches the segment files (at most 60 ms more lost to a
    /// crash, against the 5 s between segment syncs); a BYE drains what is queued.
    /// </remarks>
    public TimeSpan ReceiveBatchWindow { get; set; } = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// The codecs of our delayed offer, in order (PCMU, PCMA, G722, G729, opus); empty: every codec this node decodes,
    /// G.711 first. Entries we cannot decode are left out and logged at start-up.
    /// </summary>
    public List<string> OfferedCodecs { get; set; } = [];
}
