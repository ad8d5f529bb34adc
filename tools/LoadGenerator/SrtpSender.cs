using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// The sending side of SRTP (RFC 3711) for the load generator's <c>--srtp</c>: AES_CM_128_HMAC_SHA1_80 or _32, key
/// derivation rate 0, no MKI. Test-only code in a tool, not the recorder's: written from the RFC, checked once against
/// the recorder's receiver (tests/Unit LoadGeneratorSrtpSenderTests), so the capacity run measures real decryption.
/// </summary>
/// <remarks>
/// Used by the pump thread alone, one instance per leg; no allocation per packet (span one-shots and scratch buffers),
/// so the generator's cost stays small beside the recorder's.
/// </remarks>
internal sealed class SrtpSender : IDisposable
{
    public const int MasterKeyLength = 16;
    public const int MasterSaltLength = 14;
    private const int AuthKeyLength = 20;
    private const int MaxPacket = 1500;

    private readonly Aes _aes = Aes.Create();
    private readonly byte[] _sessionSalt = new byte[MasterSaltLength];
    private readonly byte[] _authKey = new byte[AuthKeyLength];
    private readonly byte[] _counters = new byte[MaxPacket + 16];
    private readonly byte[] _keystream = new byte[MaxPacket + 16];
    private readonly byte[] _mac = new byte[20];
    private readonly int _tagLength;
    private uint _rolloverCounter;
    private int _lastSequence = -1;

    /// <param name="suite">AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32 (RFC 4568 names).</param>
    /// <param name="keyAndSalt">The 30-byte master key and salt, as in the crypto line's inline parameter.</param>
    public SrtpSender(string suite, ReadOnlySpan<byte> keyAndSalt)
    {
        _tagLength = TagLength(suite);
        if (keyAndSalt.Length != MasterKeyLength + MasterSaltLength)
        {
            throw new ArgumentException("the master key and salt are 30 bytes", nameof(keyAndSalt));
        }

        // RFC 3711 §4.3.1: each session key is AES-CM of the master key over (label || index DIV kdr) XOR master salt;
        // with kdr 0 the index part is zero.
        var masterSalt = keyAndSalt[MasterKeyLength..];
        _aes.Key = keyAndSalt[..MasterKeyLength].ToArray();
        Span<byte> sessionKey = stackalloc byte[MasterKeyLength];
        Derive(masterSalt, 0x00, sessionKey);
        Derive(masterSalt, 0x01, _authKey);
        Derive(masterSalt, 0x02, _sessionSalt);
        _aes.Key = sessionKey.ToArray();
    }

    /// <summary>Bytes an SRTP packet adds to its RTP packet (the authentication tag).</summary>
    public int Overhead => _tagLength;

    public static int TagLength(string suite) => suite switch
    {
        "AES_CM_128_HMAC_SHA1_80" => 10,
        "AES_CM_128_HMAC_SHA1_32" => 4,
        _ => throw new ArgumentException($"--srtp supports AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32, not {suite}"),
    };

    /// <summary>
    /// Protects <paramref name="rtp"/> (12-byte header, no CSRC or extension) into <paramref name="output"/> and returns
    /// its length. Packets must come in sending order: the rollover counter steps when the sequence number wraps.
    /// </summary>
    public int Protect(ReadOnlySpan<byte> rtp, Span<byte> output)
    {
        const int HeaderLength = 12;
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
        if (_lastSequence >= 0 && sequence < _lastSequence)
        {
            _rolloverCounter++;
        }

        _lastSequence = sequence;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtp[8..]);
        var index = ((ulong)_rolloverCounter << 16) | sequence;

        // §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), then one AES block per 16 bytes of payload.
        Span<byte> iv = stackalloc byte[16];
        _sessionSalt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (var i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (8 * (5 - i)));
        }

        var payload = rtp[HeaderLength..];
        Keystream(iv, payload.Length);
        rtp[..HeaderLength].CopyTo(output);
        for (var i = 0; i < payload.Length; i++)
        {
            output[HeaderLength + i] = (byte)(payload[i] ^ _keystream[i]);
        }

        // §4.2: HMAC-SHA1 over the packet and the rollover counter, truncated to the suite's tag.
        var length = rtp.Length;
        BinaryPrimitives.WriteUInt32BigEndian(output[length..], _rolloverCounter);
        HMACSHA1.TryHashData(_authKey, output[..(length + 4)], _mac, out _);
        _mac.AsSpan(0, _tagLength).CopyTo(output[length..]);
        return length + _tagLength;
    }

    private void Derive(ReadOnlySpan<byte> masterSalt, byte label, Span<byte> destination)
    {
        Span<byte> iv = stackalloc byte[16];
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        Keystream(iv, destination.Length);
        _keystream.AsSpan(0, destination.Length).CopyTo(destination);
    }

    /// <summary>AES in counter mode from <paramref name="iv"/> (16-bit block counter in its last two bytes) into _keystream.</summary>
    private void Keystream(ReadOnlySpan<byte> iv, int length)
    {
        var blocks = (length + 15) / 16;
        for (var block = 0; block < blocks; block++)
        {
            var counter = _counters.AsSpan(block * 16, 16);
            iv.CopyTo(counter);
            var value = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(iv[14..]) + block);
            BinaryPrimitives.WriteUInt16BigEndian(counter[14..], value);
        }

        _aes.EncryptEcb(_counters.AsSpan(0, blocks * 16), _keystream.AsSpan(0, blocks * 16), PaddingMode.None);
    }

    public void Dispose() => _aes.Dispose();
}
