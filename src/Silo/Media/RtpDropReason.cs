namespace OrleansRecorder.Silo.Media;

/// <summary>Why an RTP packet was not written to the recording (the <c>reason</c> tag of <c>recorder.rtp.packets.dropped</c>).</summary>
internal enum RtpDropReason
{
    WrongSource,
    Malformed,
    Late,
    Duplicate,
    UnknownPayloadType,
}
