namespace OrleansRecorder.Silo.Sdp;

/// <summary>The direction attribute of a media stream (RFC 4566 §6, RFC 3264 §5.1), from the point of view of the SDP's author.</summary>
internal enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}
