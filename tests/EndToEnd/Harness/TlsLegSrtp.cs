namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// How a <see cref="TlsCucmLeg"/> answers the recorder's RTP/SAVP offer, as CUCM does (RFC 4568 §7.1): one crypto line
/// naming the tag of the recorder's line for <see cref="Suite"/>, with a fresh key of the leg's own, and the tone sent
/// as SRTP protected by libsrtp with that key.
/// </summary>
/// <param name="Suite">The RFC 4568 suite name to choose among the recorder's lines.</param>
/// <param name="ProtectWithAnotherKey">
/// Protect the stream with a different key than the one the ACK carries: what a recorder sees when keys and media do not
/// match (a misconfigured or malicious sender); every packet must then fail authentication.
/// </param>
internal sealed record TlsLegSrtp(string Suite, bool ProtectWithAnotherKey = false)
{
    /// <summary>Master key plus master salt length of <see cref="Suite"/> (RFC 4568 §6.2, RFC 7714 §12).</summary>
    public int KeyAndSaltLength => Suite switch
    {
        "AES_CM_128_HMAC_SHA1_80" or "AES_CM_128_HMAC_SHA1_32" => 16 + 14,
        "AEAD_AES_128_GCM" => 16 + 12,
        "AEAD_AES_256_GCM" => 32 + 12,
        _ => throw new ArgumentException($"Unknown SRTP suite {Suite}.", nameof(Suite)),
    };
}
