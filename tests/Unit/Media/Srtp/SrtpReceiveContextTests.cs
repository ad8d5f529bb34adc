using System.Security.Cryptography;
using OrleansRecorder.Silo.Media.Srtp;

namespace OrleansRecorder.Tests.Unit.Media.Srtp;

public sealed class SrtpReceiveContextTests
{
    private static readonly byte[] Payload = [.. Enumerable.Range(0, 160).Select(i => (byte)(i * 5))];

    /// <summary>RFC 3711 Appendix B.2: the AES-CM keystream for SSRC 0 and index 0 (the IV is the session salt · 2^16).</summary>
    [Fact]
    public void AesCounterModeKeystreamMatchesRfc3711AppendixB2()
    {
        var key = Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C");
        var iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        using var counterMode = new AesCounterMode(key, 64);
        var keystream = new byte[48];
        counterMode.Transform(iv, new byte[48], keystream);

        Assert.Equal(
            "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0",
            Convert.ToHexString(keystream));
    }

    /// <summary>RFC 3711 Appendix B.3: the session encryption key, salt and authentication key from a master key (KDR 0).</summary>
    [Fact]
    public void KeyDerivationMatchesRfc3711AppendixB3()
    {
        var masterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
        var masterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
        var cipherKey = new byte[16];
        var salt = new byte[14];
        var authKey = new byte[20];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.EncryptionKeyLabel, cipherKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.SaltLabel, salt);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.AuthenticationKeyLabel, authKey);

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(cipherKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(salt));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(authKey));
    }

    /// <summary>
    /// The whole AES_CM_128_HMAC_SHA1_80 transform (RFC 3711 §4.3 derivation, §4.1.1 keystream, §4.2 tag) on the
    /// packet libsrtp's own test driver protects with the Appendix B.3 master key.
    /// </summary>
    [Fact]
    public void AesCm80PacketFromLibsrtpsDriverUnprotects()
    {
        var key = new SrtpMasterKey(SrtpSuite.AesCm128HmacSha1_80,
            Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139"), Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6"), []);
        var protectedPacket = Convert.FromHexString("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];

        Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(protectedPacket, output, out var length));
        Assert.Equal("800F1234DECAFBADCAFEBABEABABABABABABABABABABABABABABABAB", Convert.ToHexString(output, 0, length));
    }

    /// <summary>RFC 7714 §16.1: AEAD_AES_128_GCM over the given session key and salt; §8.1 nonce, §8.2 AAD.</summary>
    [Fact]
    public void AeadAes128GcmPacketMatchesRfc7714Section16()
    {
        using var context = SrtpReceiveContext.FromSessionKeys(SrtpSuite.AeadAes128Gcm,
            Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), Convert.FromHexString("517569642070726f2071756f"), null, 1500);
        var protectedPacket = Convert.FromHexString(
            "8040f17b8041f8d35501a0b2" +
            "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833" +
            "899d7f27beb16a9152cf765ee4390cce");
        var output = new byte[1500];

        Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(protectedPacket, output, out var length));
        Assert.Equal("8040F17B8041F8D35501A0B2" + Convert.ToHexString("Gallia est omnis divisa in partes tres"u8),
            Convert.ToHexString(output, 0, length));

        // RFC 7714 §8.2: the header is authenticated too (AAD); one bit flipped there fails the tag.
        using var second = SrtpReceiveContext.FromSessionKeys(SrtpSuite.AeadAes128Gcm,
            Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), Convert.FromHexString("517569642070726f2071756f"), null, 1500);
        protectedPacket[1] ^= 0x01;
        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, second.Unprotect(protectedPacket, output, out _));
    }

    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpSuite.AesCm128HmacSha1_32)]
    [InlineData(SrtpSuite.AeadAes128Gcm)]
    [InlineData(SrtpSuite.AeadAes256Gcm)]
    public void EverySuiteRoundTripsAndRefusesAForgedPacket(SrtpSuite suite)
    {
        var key = SrtpTestProtector.NewKey(suite);
        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];
        var rtp = SrtpTestProtector.Rtp(1000, 160_000, 0xCAFE, Payload);
        var packet = SrtpTestProtector.Protect(key, rtp, 0);
        Assert.Equal(rtp.Length + SrtpSuites.TagLength(suite), packet.Length);

        // RFC 3711 §3.3 step 5: one bit flipped anywhere in the authenticated part (here the payload) fails the tag.
        var forged = packet.ToArray();
        forged[40] ^= 0x08;
        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, context.Unprotect(forged, output, out _));

        Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(packet, output, out var length));
        Assert.Equal(rtp, output.AsSpan(0, length).ToArray());

        // RFC 3711 §3.3.2: the same packet again is a replay.
        Assert.Equal(SrtpUnprotectResult.Replayed, context.Unprotect(packet, output, out _));
    }

    /// <summary>RFC 4568 §6.1 MKI: carried before the tag (RFC 3711 §3.1) or after the GCM ciphertext (RFC 7714 §8.1); another value is unknown.</summary>
    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpSuite.AeadAes128Gcm)]
    public void PacketsWithTheNegotiatedMkiDecryptAndOthersAreRefused(SrtpSuite suite)
    {
        var key = SrtpTestProtector.NewKey(suite, [0x00, 0x01]);
        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];
        var rtp = SrtpTestProtector.Rtp(7, 0, 1, Payload);

        Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(SrtpTestProtector.Protect(key, rtp, 0), output, out var length));
        Assert.Equal(rtp, output.AsSpan(0, length).ToArray());

        var other = SrtpTestProtector.Protect(key with { Mki = [0x00, 0x02] }, SrtpTestProtector.Rtp(8, 160, 1, Payload), 0);
        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, context.Unprotect(other, output, out _));
    }

    /// <summary>
    /// RFC 3711 §3.3.1: across the 16-bit sequence wrap, with packets reordered around it, each packet's index (and so
    /// its keystream and tag, which take the ROC) is estimated right; a late packet from before the wrap uses ROC − 1.
    /// </summary>
    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpSuite.AeadAes256Gcm)]
    public void RolloverCounterFollowsTheSequenceWrapWithReordering(SrtpSuite suite)
    {
        var key = SrtpTestProtector.NewKey(suite);
        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];
        long[] order = [65530, 65531, 65533, 65532, 65534, 65536, 65535, 65537, 65539, 65538, 65540, 65541];
        foreach (var index in order)
        {
            var rtp = SrtpTestProtector.Rtp((ushort)index, (uint)index * 160, 0x51, Payload);
            var packet = SrtpTestProtector.Protect(key, rtp, (uint)(index >> 16));
            Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(packet, output, out var length));
            Assert.Equal(rtp, output.AsSpan(0, length).ToArray());
        }

        Assert.Equal(1u, context.RolloverCounterOf(0x51));

        // A packet protected with the wrong ROC (the sender's index says 0 after the wrap) does not authenticate.
        var wrong = SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(10, 0, 0x51, Payload), 0);
        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, context.Unprotect(wrong, output, out _));

        // A replay of a packet from before the wrap is still recognised (it is inside the 128-packet window).
        var replay = SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(65535, 0, 0x51, Payload), 0);
        Assert.Equal(SrtpUnprotectResult.Replayed, context.Unprotect(replay, output, out _));
    }

    /// <summary>RFC 3711 §3.3.2: a packet older than the replay window is refused even though it was never received.</summary>
    [Fact]
    public void PacketsBehindTheReplayWindowAreRefused()
    {
        var key = SrtpTestProtector.NewKey(SrtpSuite.AesCm128HmacSha1_32);
        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];
        Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(1000, 0, 9, Payload), 0), output, out _));
        Assert.Equal(SrtpUnprotectResult.Ok, context.Unprotect(SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(1200, 0, 9, Payload), 0), output, out _));

        Assert.Equal(SrtpUnprotectResult.Replayed,
            context.Unprotect(SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(1200 - SrtpStream.ReplayWindowSize, 0, 9, Payload), 0), output, out _));
        Assert.Equal(SrtpUnprotectResult.Ok,
            context.Unprotect(SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(1200 - SrtpStream.ReplayWindowSize + 1, 0, 9, Payload), 0), output, out _));
    }

    [Fact]
    public void TruncatedAndNonRtpPacketsAreMalformed()
    {
        var key = SrtpTestProtector.NewKey(SrtpSuite.AesCm128HmacSha1_80);
        using var context = new SrtpReceiveContext(key, 1500);
        var output = new byte[1500];
        var packet = SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp(1, 0, 9, []), 0);

        Assert.Equal(SrtpUnprotectResult.Malformed, context.Unprotect(packet.AsSpan(0, 21), output, out _));
        Assert.Equal(SrtpUnprotectResult.Malformed, context.Unprotect(RandomNumberGenerator.GetBytes(8), output, out _));
        packet[0] = 0x40;
        Assert.Equal(SrtpUnprotectResult.Malformed, context.Unprotect(packet, output, out _));
    }
}
