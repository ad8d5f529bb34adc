using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Media.Srtp;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// An SDES crypto attribute (RFC 4568 §9.1):
/// <c>a=crypto:&lt;tag&gt; &lt;crypto-suite&gt; inline:&lt;base64 key||salt&gt;[|lifetime][|MKI:length] [session-params]</c>.
/// </summary>
/// <param name="Tag">The line's tag (1 to 9 digits); the answer's line carries the chosen offer line's tag (§7.1.1).</param>
/// <param name="SuiteName">The crypto-suite as written.</param>
/// <param name="Key">The master key, salt, lifetime and MKI when <see cref="Status"/> is <see cref="CryptoAttributeStatus.Usable"/>.</param>
/// <param name="Status">Usable, skipped, or malformed.</param>
/// <param name="Problem">Why the line is not usable (for logs and the 488's Warning).</param>
internal sealed record CryptoAttribute(long Tag, string SuiteName, SrtpMasterKey? Key, CryptoAttributeStatus Status, string? Problem)
{
    public const string AttributeName = "crypto";

    /// <summary>RFC 4568 §6.1: the lifetime of the AES-CM and GCM suites is at most 2^48 packets (2^31 for SRTCP, not used here).</summary>
    private const long MaxLifetime = 1L << 48;

    /// <summary>Parses the value after <c>a=crypto:</c>. Never throws on bad input.</summary>
    public static CryptoAttribute Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3
            || fields[0].Length is 0 or > 9
            || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tag))
        {
            return Malformed(0, fields.Length > 1 ? fields[1] : "", "a=crypto needs a tag, a suite and key parameters");
        }

        var suiteName = fields[1];
        if (!SrtpSuites.TryParse(suiteName, out var suite))
        {
            return new CryptoAttribute(tag, suiteName, null, CryptoAttributeStatus.Unsupported, $"suite {suiteName} not supported");
        }

        // RFC 4568 §6.3: session parameters we do not implement (KDR other than 0, UNENCRYPTED_SRTP, UNAUTHENTICATED_SRTP,
        // FEC_ORDER, FEC_KEY) change what the packets look like, so such a line is skipped; WSH (a window size hint) is
        // only advice to a receiver whose replay window is its own.
        for (var i = 3; i < fields.Length; i++)
        {
            if (!fields[i].StartsWith("WSH=", StringComparison.Ordinal) && fields[i] != "KDR=0")
            {
                return new CryptoAttribute(tag, suiteName, null, CryptoAttributeStatus.Unsupported, $"session parameter {fields[i]} not supported");
            }
        }

        // Several keys in one line (RFC 4568 §6.1, told apart by MKI) are not supported: the line is skipped rather than
        // its first key taken, since the sender could switch to the others and every such packet would be lost.
        if (fields[2].Contains(';', StringComparison.Ordinal))
        {
            return new CryptoAttribute(tag, suiteName, null, CryptoAttributeStatus.Unsupported, "several keys in one crypto line not supported");
        }

        return ParseInlineKey(tag, suiteName, suite, fields[2]);
    }

    /// <summary>The value of our own crypto line: one inline key, no lifetime, no MKI.</summary>
    public static string Format(long tag, SrtpMasterKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Create(CultureInfo.InvariantCulture,
            $"{tag} {SrtpSuites.Name(key.Suite)} inline:{Convert.ToBase64String([.. key.Key, .. key.Salt])}");
    }

    /// <summary>A fresh random master key and salt for <paramref name="suite"/> (the recorder never sends; RFC 4568 still wants one).</summary>
    public static SrtpMasterKey NewKey(SrtpSuite suite) => new(
        suite,
        RandomNumberGenerator.GetBytes(SrtpSuites.MasterKeyLength(suite)),
        RandomNumberGenerator.GetBytes(SrtpSuites.MasterSaltLength(suite)),
        []);

    private static CryptoAttribute ParseInlineKey(long tag, string suiteName, SrtpSuite suite, string keyParameter)
    {
        const string Inline = "inline:";
        if (!keyParameter.StartsWith(Inline, StringComparison.Ordinal))
        {
            // RFC 4568 §6.1: inline is the only key method defined.
            return Malformed(tag, suiteName, "key method is not inline");
        }

        var parts = keyParameter[Inline.Length..].Split('|');
        if (parts.Length > 3)
        {
            return Malformed(tag, suiteName, "too many key-info fields");
        }

        var keyLength = SrtpSuites.MasterKeyLength(suite);
        var saltLength = SrtpSuites.MasterSaltLength(suite);
        var material = new byte[keyLength + saltLength + 3];
        if (!Convert.TryFromBase64String(parts[0], material, out var written) || written != keyLength + saltLength)
        {
            return Malformed(tag, suiteName, $"the inline key must be base64 of {keyLength + saltLength} bytes");
        }

        long? lifetime = null;
        byte[] mki = [];
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                if (mki.Length > 0 || !TryParseMki(part[..colon], part[(colon + 1)..], out mki))
                {
                    return Malformed(tag, suiteName, "bad MKI");
                }
            }
            else if (lifetime is not null || !TryParseLifetime(part, out var parsed))
            {
                return Malformed(tag, suiteName, "bad lifetime");
            }
            else
            {
                lifetime = parsed;
            }
        }

        var key = new SrtpMasterKey(suite, material[..keyLength], material[keyLength..(keyLength + saltLength)], mki, lifetime);
        CryptographicOperations.ZeroMemory(material);
        return new CryptoAttribute(tag, suiteName, key, CryptoAttributeStatus.Usable, null);
    }

    /// <summary>RFC 4568 §6.1: lifetime = ["2^"] 1*DIGIT, at most 2^48 for these suites.</summary>
    private static bool TryParseLifetime(string text, out long lifetime)
    {
        lifetime = 0;
        if (text.StartsWith("2^", StringComparison.Ordinal))
        {
            if (!int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var exponent) || exponent > 48)
            {
                return false;
            }

            lifetime = 1L << exponent;
            return true;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lifetime) && lifetime is > 0 and <= MaxLifetime;
    }

    /// <summary>RFC 4568 §6.1: MKI = mki-value ":" mki-length, a decimal value carried big-endian in 1 to 128 bytes.</summary>
    private static bool TryParseMki(string valueText, string lengthText, out byte[] mki)
    {
        mki = [];
        if (valueText.Length is 0 or > 128
            || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length is < 1 or > 128
            || !BigInteger.TryParse(valueText, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var bytes = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length > length)
        {
            return false;
        }

        mki = new byte[length];
        bytes.CopyTo(mki, length - bytes.Length);
        return true;
    }

    private static CryptoAttribute Malformed(long tag, string suiteName, string problem) =>
        new(tag, suiteName, null, CryptoAttributeStatus.Malformed, problem);
}
