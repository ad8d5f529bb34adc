namespace OrleansRecorder.Silo.Media;

/// <summary>Why an RTP packet was not written to the recording (the <c>reason</c> tag of <c>recorder.rtp.packets.dropped</c>).</summary>
internal enum RtpDropReason
{
    WrongSource,
    Malformed,
    Late,
    Duplicate,
    UnknownPayloadType,

    /// <summary>SRTP: the authentication tag did not verify or the MKI is unknown (RFC 3711 §3.3).</summary>
    AuthenticationFailed,

    /// <summary>SRTP: a replayed packet, or one older than the replay window (RFC 3711 §3.3.2).</summary>
    Replayed,
}
