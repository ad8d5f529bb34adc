namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>Which RTP source a leg's receiver takes (<c>Recorder:Rtp:SourceRule</c>, <c>Recorder:Rtp:LatchPeers</c>).</summary>
internal enum MediaSourceRule
{
    /// <summary>
    /// Only packets from the IP address the SDP declared (any port); with no address in the SDP, the first source's
    /// address. What CUCM does: its BiB streams come from the phone the SDP names.
    /// </summary>
    Strict,

    /// <summary>
    /// Whatever the SDP says, the first well-formed stream is taken: its source address, port and SSRC are latched and
    /// every later packet from another address, port or SSRC is refused. Symmetric RTP (RFC 4961) as peers behind NAT,
    /// media relays and multi-homed hosts need; RFC 3550 §8.2 is why a second transport address or SSRC is not mixed in.
    /// </summary>
    Latch,
}
