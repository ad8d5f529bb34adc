using System.Buffers.Binary;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Media.Srtp;

namespace OrleansRecorder.Tests.Unit.Media.Srtp;

/// <summary>
/// The sending side of SRTP for tests (RFC 3711 §3.1, RFC 7714 §8), built from the primitives the known-answer tests
/// check; the libsrtp cross-check covers the receiver against an implementation nobody here wrote.
/// </summary>
internal static class SrtpTestProtector
{
    public static byte[] Protect(SrtpMasterKey key, byte[] rtp, uint rolloverCounter)
    {
        var suite = key.Suite;
        var sessionKey = new byte[SrtpSuites.MasterKeyLength(suite)];
        var salt = new byte[SrtpSuites.MasterSaltLength(suite)];
        SrtpKeyDerivation.Derive(key.Key, key.Salt, SrtpKeyDerivation.EncryptionKeyLabel, sessionKey);
        SrtpKeyDerivation.Derive(key.Key, key.Salt, SrtpKeyDerivation.SaltLabel, salt);
        var headerLength = 12 + (4 * (rtp[0] & 0x0F));
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(rtp.AsSpan(2));
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtp.AsSpan(8));
        var tagLength = SrtpSuites.TagLength(suite);
        if (SrtpSuites.IsAead(suite))
        {
            var nonce = new byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(2), ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(6), rolloverCounter);
            BinaryPrimitives.WriteUInt16BigEndian(nonce.AsSpan(10), sequence);
            for (var i = 0; i < 12; i++)
            {
                nonce[i] ^= salt[i];
            }

            var output = new byte[rtp.Length + tagLength + key.Mki.Length];
            rtp.AsSpan(0, headerLength).CopyTo(output);
            using var gcm = new AesGcm(sessionKey, tagLength);
            gcm.Encrypt(nonce, rtp.AsSpan(headerLength), output.AsSpan(headerLength, rtp.Length - headerLength),
                output.AsSpan(rtp.Length, tagLength), rtp.AsSpan(0, headerLength));
            key.Mki.CopyTo(output, rtp.Length + tagLength);
            return output;
        }

        var authKey = new byte[20];
        SrtpKeyDerivation.Derive(key.Key, key.Salt, SrtpKeyDerivation.AuthenticationKeyLabel, authKey);
        var index = ((long)rolloverCounter << 16) | sequence;
        var iv = new byte[16];
        salt.CopyTo(iv, 0);
        var field = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(field, ssrc);
        for (var i = 0; i < 4; i++)
        {
            iv[4 + i] ^= field[i];
        }

        BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)index);
        for (var i = 0; i < 6; i++)
        {
            iv[8 + i] ^= field[2 + i];
        }

        var protectedPacket = new byte[rtp.Length + key.Mki.Length + tagLength];
        rtp.AsSpan(0, headerLength).CopyTo(protectedPacket);
        using (var counterMode = new AesCounterMode(sessionKey, 2048))
        {
            counterMode.Transform(iv, rtp.AsSpan(headerLength), protectedPacket.AsSpan(headerLength, rtp.Length - headerLength));
        }

        var authenticated = new byte[rtp.Length + 4];
        protectedPacket.AsSpan(0, rtp.Length).CopyTo(authenticated);
        BinaryPrimitives.WriteUInt32BigEndian(authenticated.AsSpan(rtp.Length), rolloverCounter);
        var mac = HMACSHA1.HashData(authKey, authenticated);
        key.Mki.CopyTo(protectedPacket, rtp.Length);
        mac.AsSpan(0, tagLength).CopyTo(protectedPacket.AsSpan(rtp.Length + key.Mki.Length));
        return protectedPacket;
    }

    public static SrtpMasterKey NewKey(SrtpSuite suite, byte[]? mki = null) => new(
        suite,
        RandomNumberGenerator.GetBytes(SrtpSuites.MasterKeyLength(suite)),
        RandomNumberGenerator.GetBytes(SrtpSuites.MasterSaltLength(suite)),
        mki ?? []);

    public static byte[] Rtp(ushort sequence, uint timestamp, uint ssrc, byte[] payload, int payloadType = 0)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = (byte)payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        payload.CopyTo(packet, 12);
        return packet;
    }
}
