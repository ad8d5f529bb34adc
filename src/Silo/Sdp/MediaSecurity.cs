namespace OrleansRecorder.Silo.Sdp;

/// <summary>What offer/answer may do with SRTP on one dialog.</summary>
/// <param name="SecureSignalling">
/// The dialog runs over a transport that keeps SDES keys secret (SIP over TLS). Only then does our delayed offer carry
/// crypto lines.
/// </param>
/// <param name="AllowSrtpOverInsecureTransport">
/// <c>Recorder:Sip:AllowSrtpOverInsecureTransport</c>: accept an SRTP offer that came over UDP or TCP, whose keys anyone
/// on the path could read (RFC 4568 §8.3 requires SDES to travel only over a secure channel).
/// </param>
internal sealed record MediaSecurity(bool SecureSignalling, bool AllowSrtpOverInsecureTransport)
{
    /// <summary>Plain UDP/TCP with the default settings: SRTP offers are refused, our offers are plain RTP.</summary>
    public static MediaSecurity Insecure { get; } = new(false, false);

    /// <summary>Whether an SRTP stream (and its keys) may be accepted on this dialog.</summary>
    public bool MayAcceptSrtp => SecureSignalling || AllowSrtpOverInsecureTransport;
}
