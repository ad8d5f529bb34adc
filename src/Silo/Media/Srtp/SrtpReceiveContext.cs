using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>
/// An SRTP receiver's cryptographic context for one leg (RFC 3711 §3.2): the session keys derived once from the
/// peer's master key, and per-SSRC rollover counters and replay lists. <see cref="Unprotect"/> follows RFC 3711 §3.3:
/// index estimation, MKI, replay check, authentication, and only then decryption and the update of ROC and replay list.
/// </summary>
/// <remarks>
/// <para>Allocations: every cipher object (<see cref="Aes"/> for the keystream, an <see cref="IncrementalHash"/> for
/// HMAC-SHA1, <see cref="AesGcm"/>) and buffer is made in the constructor; <see cref="Unprotect"/> allocates nothing
/// for a packet that authenticates. A forged GCM packet costs one exception (AesGcm has no non-throwing decrypt), so
/// attack traffic allocates; it is counted and dropped like any other failure.</para>
/// <para>Threading: not thread-safe; the leg calls it under its lock, from one receive thread at a time.</para>
/// <para>SRTCP is not handled: RTCP is not recorded.</para>
/// </remarks>
internal sealed class SrtpReceiveContext : IDisposable
{
    /// <summary>SSRCs tracked at once per leg: a fork is one stream, re-INVITEs and transfers can add a few.</summary>
    public const int MaxStreams = 4;

    private const int HmacSha1Length = 20;
    private const int GcmNonceLength = 12;

    private readonly SrtpSuite _suite;
    private readonly int _tagLength;
    private readonly byte[] _mki;
    private readonly byte[] _sessionSalt;
    private readonly AesCounterMode? _counterMode;
    private readonly IncrementalHash? _hmac;
    private readonly AesGcm? _gcm;
    private readonly SrtpStream[] _streams = new SrtpStream[MaxStreams];
    private readonly byte[] _mac = new byte[HmacSha1Length];
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _rolloverCounter = new byte[4];
    private long _packets;

    /// <param name="masterKey">The peer's master key and salt (the key of the stream we receive).</param>
    /// <param name="maxPacketLength">The largest SRTP packet to accept (the receiver's datagram limit).</param>
    public SrtpReceiveContext(SrtpMasterKey masterKey, int maxPacketLength)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPacketLength);
        _suite = masterKey.Suite;
        if (masterKey.Key.Length != SrtpSuites.MasterKeyLength(_suite) || masterKey.Salt.Length != SrtpSuites.MasterSaltLength(_suite))
        {
            throw new ArgumentException("Master key or salt of the wrong length for the suite", nameof(masterKey));
        }

        _tagLength = SrtpSuites.TagLength(_suite);
        _mki = masterKey.Mki.ToArray();
        MaxPacketLength = maxPacketLength;
        for (var i = 0; i < _streams.Length; i++)
        {
            _streams[i] = new SrtpStream();
        }

        // RFC 3711 §4.3.1 (RFC 7714 §11 for GCM): session keys once, KDR 0.
        var keyLength = SrtpSuites.MasterKeyLength(_suite);
        var sessionKey = new byte[keyLength];
        SrtpKeyDerivation.Derive(masterKey.Key, masterKey.Salt, SrtpKeyDerivation.EncryptionKeyLabel, sessionKey);
        _sessionSalt = new byte[SrtpSuites.MasterSaltLength(_suite)];
        SrtpKeyDerivation.Derive(masterKey.Key, masterKey.Salt, SrtpKeyDerivation.SaltLabel, _sessionSalt);
        try
        {
            if (SrtpSuites.IsAead(_suite))
            {
                _gcm = new AesGcm(sessionKey, _tagLength);
            }
            else
            {
                // RFC 3711 §4.2.1: the HMAC-SHA1 session authentication key is 160 bits.
                var authKey = new byte[HmacSha1Length];
                SrtpKeyDerivation.Derive(masterKey.Key, masterKey.Salt, SrtpKeyDerivation.AuthenticationKeyLabel, authKey);
                _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
                CryptographicOperations.ZeroMemory(authKey);
                _counterMode = new AesCounterMode(sessionKey, maxPacketLength);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    /// <summary>Builds a context from session keys directly (RFC test vectors give session keys, not master keys).</summary>
    private SrtpReceiveContext(SrtpSuite suite, byte[] sessionKey, byte[] sessionSalt, byte[]? authKey, int maxPacketLength)
    {
        _suite = suite;
        _tagLength = SrtpSuites.TagLength(suite);
        _mki = [];
        MaxPacketLength = maxPacketLength;
        for (var i = 0; i < _streams.Length; i++)
        {
            _streams[i] = new SrtpStream();
        }

        _sessionSalt = sessionSalt.ToArray();
        if (SrtpSuites.IsAead(suite))
        {
            _gcm = new AesGcm(sessionKey, _tagLength);
        }
        else
        {
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey ?? new byte[HmacSha1Length]);
            _counterMode = new AesCounterMode(sessionKey, maxPacketLength);
        }
    }

    public SrtpSuite Suite => _suite;

    public int MaxPacketLength { get; }

    /// <summary>A context over given session keys, for known-answer tests of the transforms alone.</summary>
    internal static SrtpReceiveContext FromSessionKeys(SrtpSuite suite, byte[] sessionKey, byte[] sessionSalt, byte[]? authKey, int maxPacketLength) =>
        new(suite, sessionKey, sessionSalt, authKey, maxPacketLength);

    /// <summary>
    /// Checks and decrypts one SRTP packet into <paramref name="output"/> (at least as long as the packet): the RTP
    /// header as received, the payload decrypted; MKI and tag removed. No state changes, and <paramref name="output"/>
    /// means nothing, unless the result is <see cref="SrtpUnprotectResult.Ok"/>.
    /// </summary>
    public SrtpUnprotectResult Unprotect(ReadOnlySpan<byte> packet, Span<byte> output, out int length)
    {
        length = 0;
        var headerLength = HeaderLength(packet);
        var trailer = _tagLength + _mki.Length;
        if (headerLength < 0 || packet.Length > MaxPacketLength || packet.Length < headerLength + trailer || output.Length < packet.Length)
        {
            return SrtpUnprotectResult.Malformed;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var stream = Find(ssrc);

        // RFC 3711 §3.3 step 3: the MKI names the master key; we hold one, so any other value is unknown.
        if (_mki.Length > 0 && !MkiMatches(packet))
        {
            return SrtpUnprotectResult.AuthenticationFailed;
        }

        // Step 2 (§3.3.1): a stream seen for the first time starts at ROC 0.
        var index = stream is null ? sequence : stream.EstimateIndex(sequence);

        // Step 4 (§3.3.2): replays are dropped before any cryptographic work.
        if (index < 0 || (stream is not null && stream.IsReplayed(index)))
        {
            return SrtpUnprotectResult.Replayed;
        }

        var rolloverCounter = (uint)(index >> 16);
        var ok = _gcm is not null
            ? OpenGcm(packet, headerLength, ssrc, rolloverCounter, sequence, output, out length)
            : OpenCounterMode(packet, headerLength, ssrc, index, rolloverCounter, output, out length);
        if (!ok)
        {
            return SrtpUnprotectResult.AuthenticationFailed;
        }

        // Step 7: only an authenticated packet claims a stream slot and moves ROC, s_l and the replay list.
        stream ??= Claim(ssrc);
        stream.Update(index);
        stream.LastUsed = ++_packets;
        return SrtpUnprotectResult.Ok;
    }

    /// <summary>The rollover counter of <paramref name="ssrc"/>'s stream, if it has one (for tests and stats).</summary>
    public uint? RolloverCounterOf(uint ssrc) => Find(ssrc)?.RolloverCounter;

    /// <summary>Forgets every stream's ROC and replay list (the keys stay); benchmarks replay a ring of packets with it.</summary>
    internal void ForgetStreams()
    {
        foreach (var stream in _streams)
        {
            stream.Reset(0);
        }
    }

    public void Dispose()
    {
        _counterMode?.Dispose();
        _hmac?.Dispose();
        _gcm?.Dispose();
    }

    /// <summary>
    /// Where the MKI sits: RFC 3711 §3.1 puts it between the encrypted payload and the tag; RFC 7714 §8.1 after the
    /// GCM ciphertext, whose tag is its last 16 bytes, so at the very end.
    /// </summary>
    private bool MkiMatches(ReadOnlySpan<byte> packet)
    {
        var start = SrtpSuites.IsAead(_suite) ? packet.Length - _mki.Length : packet.Length - _tagLength - _mki.Length;
        return packet.Slice(start, _mki.Length).SequenceEqual(_mki);
    }

    /// <summary>
    /// RFC 3711 §4.2: tag = HMAC-SHA1(k_a, authenticated portion || ROC), truncated; §4.1.1: then AES-CM with
    /// IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16).
    /// </summary>
    private bool OpenCounterMode(ReadOnlySpan<byte> packet, int headerLength, uint ssrc, long index, uint rolloverCounter,
        Span<byte> output, out int length)
    {
        length = 0;
        var authenticatedLength = packet.Length - _tagLength - _mki.Length;
        var tag = packet.Slice(packet.Length - _tagLength, _tagLength);
        BinaryPrimitives.WriteUInt32BigEndian(_rolloverCounter, rolloverCounter);
        _hmac!.AppendData(packet[..authenticatedLength]);
        _hmac.AppendData(_rolloverCounter);
        _hmac.GetHashAndReset(_mac);
        if (!CryptographicOperations.FixedTimeEquals(_mac.AsSpan(0, _tagLength), tag))
        {
            return false;
        }

        var iv = _iv.AsSpan();
        iv.Clear();
        _sessionSalt.CopyTo(iv);
        Span<byte> field = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(field, ssrc);
        Xor(iv.Slice(4, 4), field[..4]);
        BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)index);

        // The 48-bit index · 2^16 occupies bytes 8..13 (the low six bytes of the 64-bit big-endian value).
        Xor(iv.Slice(8, 6), field[2..]);
        packet[..headerLength].CopyTo(output);
        _counterMode!.Transform(iv, packet[headerLength..authenticatedLength], output[headerLength..]);
        length = authenticatedLength;
        return true;
    }

    /// <summary>
    /// RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR the 96-bit session salt; the AAD is the RTP header
    /// (§8.2, with CSRCs and extension); the tag is the last 16 bytes of the ciphertext.
    /// </summary>
    private bool OpenGcm(ReadOnlySpan<byte> packet, int headerLength, uint ssrc, uint rolloverCounter, ushort sequence,
        Span<byte> output, out int length)
    {
        length = 0;
        Span<byte> nonce = stackalloc byte[GcmNonceLength];
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], rolloverCounter);
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], sequence);
        Xor(nonce, _sessionSalt);
        var end = packet.Length - _mki.Length;
        var ciphertext = packet[headerLength..(end - _tagLength)];
        var tag = packet[(end - _tagLength)..end];
        try
        {
            _gcm!.Decrypt(nonce, ciphertext, tag, output.Slice(headerLength, ciphertext.Length), packet[..headerLength]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        packet[..headerLength].CopyTo(output);
        length = headerLength + ciphertext.Length;
        return true;
    }

    /// <summary>
    /// The RTP header's length (RFC 3550 §5.1: 12 bytes, CSRCs, extension), which SRTP leaves in clear; -1 when it is
    /// not a version 2 header or runs past the packet.
    /// </summary>
    private static int HeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || packet[0] >> 6 != 2)
        {
            return -1;
        }

        var length = 12 + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (length + 4 > packet.Length)
            {
                return -1;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        return length <= packet.Length ? length : -1;
    }

    private SrtpStream? Find(uint ssrc)
    {
        foreach (var stream in _streams)
        {
            if (stream.Started && stream.Ssrc == ssrc)
            {
                return stream;
            }
        }

        return null;
    }

    /// <summary>A free slot, else the one that authenticated a packet longest ago (bounded: <see cref="MaxStreams"/>).</summary>
    private SrtpStream Claim(uint ssrc)
    {
        var chosen = _streams[0];
        foreach (var stream in _streams)
        {
            if (!stream.Started)
            {
                chosen = stream;
                break;
            }

            if (stream.LastUsed < chosen.LastUsed)
            {
                chosen = stream;
            }
        }

        chosen.Reset(ssrc);
        return chosen;
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> source)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] ^= source[i];
        }
    }
}
