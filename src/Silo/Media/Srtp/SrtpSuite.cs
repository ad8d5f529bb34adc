namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>The SRTP crypto suites the recorder receives (RFC 4568 §6.2, RFC 7714 §14.2), in our order of preference.</summary>
public enum SrtpSuite
{
    /// <summary>AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 3711 §4.1.1, §4.2; RFC 4568 §6.2.1).</summary>
    AesCm128HmacSha1_80,

    /// <summary>The same with a 32-bit tag (RFC 4568 §6.2.2); what SCCP phones and many Cisco forks use.</summary>
    AesCm128HmacSha1_32,

    /// <summary>AES-128 GCM with a 16-byte tag (RFC 7714 §14.2).</summary>
    AeadAes128Gcm,

    /// <summary>AES-256 GCM with a 16-byte tag (RFC 7714 §14.2).</summary>
    AeadAes256Gcm,
}
