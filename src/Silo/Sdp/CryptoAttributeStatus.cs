namespace OrleansRecorder.Silo.Sdp;

/// <summary>What <see cref="CryptoAttribute.Parse"/> made of an <c>a=crypto</c> value.</summary>
internal enum CryptoAttributeStatus
{
    /// <summary>A suite we support with one well-formed inline key: usable.</summary>
    Usable,

    /// <summary>
    /// Well-formed but not for us (an unknown suite, several keys, a session parameter we do not implement): skipped,
    /// as RFC 4568 §7.1.2 has the answerer pick among the lines it supports.
    /// </summary>
    Unsupported,

    /// <summary>Broken syntax, a key of the wrong length, a bad lifetime or MKI: the offer is refused with 488.</summary>
    Malformed,
}
