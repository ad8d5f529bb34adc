namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>The outcome of <see cref="SrtpReceiveContext.Unprotect"/> for one packet.</summary>
internal enum SrtpUnprotectResult
{
    /// <summary>Authenticated, not a replay, decrypted: the RTP packet is in the output.</summary>
    Ok,

    /// <summary>Not an SRTP packet we can read: shorter than header and tag, not version 2, or too large.</summary>
    Malformed,

    /// <summary>The tag did not verify (RFC 3711 §3.3 step 5), or the MKI names no key we have (step 3).</summary>
    AuthenticationFailed,

    /// <summary>Already received, or older than the replay window (RFC 3711 §3.3.2).</summary>
    Replayed,
}
