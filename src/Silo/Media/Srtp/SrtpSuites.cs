namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>The names and sizes of each <see cref="SrtpSuite"/>.</summary>
internal static class SrtpSuites
{
    /// <summary>Every suite, in our order of preference (the order of our offer's crypto lines).</summary>
    public static IReadOnlyList<SrtpSuite> All { get; } =
        [SrtpSuite.AesCm128HmacSha1_80, SrtpSuite.AesCm128HmacSha1_32, SrtpSuite.AeadAes128Gcm, SrtpSuite.AeadAes256Gcm];

    /// <summary>The name in SDES <c>a=crypto</c> (RFC 4568 §6.2, RFC 7714 §14.2).</summary>
    public static string Name(SrtpSuite suite) => suite switch
    {
        SrtpSuite.AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
        SrtpSuite.AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        SrtpSuite.AeadAes128Gcm => "AEAD_AES_128_GCM",
        SrtpSuite.AeadAes256Gcm => "AEAD_AES_256_GCM",
        _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, "unknown suite"),
    };

    public static bool TryParse(string name, out SrtpSuite suite)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var candidate in All)
        {
            if (name.Equals(Name(candidate), StringComparison.Ordinal))
            {
                suite = candidate;
                return true;
            }
        }

        suite = default;
        return false;
    }

    /// <summary>AES-GCM: one AEAD pass, no separate HMAC (RFC 7714).</summary>
    public static bool IsAead(SrtpSuite suite) => suite is SrtpSuite.AeadAes128Gcm or SrtpSuite.AeadAes256Gcm;

    /// <summary>The master key length in bytes (also the session encryption key's).</summary>
    public static int MasterKeyLength(SrtpSuite suite) => suite == SrtpSuite.AeadAes256Gcm ? 32 : 16;

    /// <summary>The master salt length: 112 bits for AES-CM (RFC 3711 §8.2), 96 bits for GCM (RFC 7714 §12).</summary>
    public static int MasterSaltLength(SrtpSuite suite) => IsAead(suite) ? 12 : 14;

    /// <summary>The authentication tag on each SRTP packet: 10 or 4 bytes of HMAC-SHA1, 16 bytes of GCM.</summary>
    public static int TagLength(SrtpSuite suite) => suite switch
    {
        SrtpSuite.AesCm128HmacSha1_80 => 10,
        SrtpSuite.AesCm128HmacSha1_32 => 4,
        _ => 16,
    };
}
