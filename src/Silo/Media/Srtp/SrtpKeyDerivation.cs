namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>
/// The SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and a key derivation rate of 0, the only one
/// SDES uses by default (RFC 4568 §6.3.1: KDR absent means 0): each session key is derived once, from the master key
/// and salt, never again during the session.
/// </summary>
/// <remarks>GCM suites use the same PRF with the 96-bit master salt padded with zeros to 112 bits (RFC 7714 §11).</remarks>
internal static class SrtpKeyDerivation
{
    /// <summary>RFC 3711 §4.3.1: label 0x00 derives the SRTP encryption key.</summary>
    public const byte EncryptionKeyLabel = 0x00;

    /// <summary>Label 0x01: the SRTP authentication key.</summary>
    public const byte AuthenticationKeyLabel = 0x01;

    /// <summary>Label 0x02: the SRTP salting key.</summary>
    public const byte SaltLabel = 0x02;

    private const int SaltBits112 = 14;

    /// <summary>
    /// Derives <paramref name="output"/>.Length bytes for <paramref name="label"/>: key_id = label || r with r = 0
    /// (KDR 0), x = key_id XOR master_salt (key_id aligned to the right of the 112-bit salt, so the label is byte 7),
    /// and the output is the AES-CM keystream of the master key from IV = x · 2^16 (§4.3.1, §4.3.3).
    /// </summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length is not (12 or SaltBits112))
        {
            throw new ArgumentException("The master salt is 96 or 112 bits", nameof(masterSalt));
        }

        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);

        // key_id = label (8 bits) || r (48 bits, 0 here): XORed into bytes 7..13 of the 14-byte x; only the label is non-zero.
        iv[7] ^= label;
        Span<byte> zeros = stackalloc byte[output.Length];
        zeros.Clear();
        using var prf = new AesCounterMode(masterKey, Math.Max(output.Length, 1));
        prf.Transform(iv, zeros, output);
    }
}
