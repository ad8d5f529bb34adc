namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>
/// What SDES gives a receiver for one direction of a stream (RFC 4568 §6.1): the suite, the master key and salt, and
/// the optional MKI that packets carry to name the key.
/// </summary>
/// <param name="Suite">The crypto suite.</param>
/// <param name="Key">The master key (<see cref="SrtpSuites.MasterKeyLength"/> bytes).</param>
/// <param name="Salt">The master salt (<see cref="SrtpSuites.MasterSaltLength"/> bytes).</param>
/// <param name="Mki">The MKI value, big-endian in its declared length; empty when the packets carry none.</param>
/// <param name="Lifetime">
/// The key's lifetime in packets, when the SDES line states one. Parsed and checked (at most 2^48, RFC 4568 §6.1)
/// but not enforced: the recorder only receives, the sender re-keys by a new offer, and refusing packets that still
/// authenticate past the stated lifetime would cut audio out of a recording without protecting anything.
/// </param>
internal sealed record SrtpMasterKey(SrtpSuite Suite, byte[] Key, byte[] Salt, byte[] Mki, long? Lifetime = null)
{
    /// <summary>Same suite, key, salt and MKI: a renegotiation that keeps the stream's cryptographic context.</summary>
    public bool SameKeyAs(SrtpMasterKey? other) =>
        other is not null
        && other.Suite == Suite
        && Key.AsSpan().SequenceEqual(other.Key)
        && Salt.AsSpan().SequenceEqual(other.Salt)
        && Mki.AsSpan().SequenceEqual(other.Mki);

    /// <summary>Never the key in logs or exceptions.</summary>
    public override string ToString() => $"{SrtpSuites.Name(Suite)} (mki {Mki.Length} bytes)";
}
