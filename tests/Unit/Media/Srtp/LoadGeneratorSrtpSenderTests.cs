using System.Security.Cryptography;
using OrleansRecorder.LoadGenerator;
using OrleansRecorder.Silo.Media.Srtp;

namespace OrleansRecorder.Tests.Unit.Media.Srtp;

/// <summary>
/// The load generator's SRTP sender (tools/LoadGenerator/SrtpSender.cs, written for the capacity run's <c>--srtp</c>)
/// agrees with the recorder's receiver, which the RFC vectors and the libsrtp cross-check pin: every packet decrypts to
/// the RTP packet it protected, across a sequence-number wrap (both sides step the rollover counter), for both suites
/// the tool offers; a packet whose payload was altered fails authentication.
/// </summary>
public sealed class LoadGeneratorSrtpSenderTests
{
    private const uint Ssrc = 0x0BAD_CAFE;

    [Theory]
    [InlineData("AES_CM_128_HMAC_SHA1_80", SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData("AES_CM_128_HMAC_SHA1_32", SrtpSuite.AesCm128HmacSha1_32)]
    public void PacketsProtectedByTheLoadGeneratorDecryptInTheRecorder(string suiteName, SrtpSuite suite)
    {
        var keyAndSalt = RandomNumberGenerator.GetBytes(30);
        using var sender = new SrtpSender(suiteName, keyAndSalt);
        using var receiver = new SrtpReceiveContext(new SrtpMasterKey(suite, keyAndSalt[..16], keyAndSalt[16..], []), 1500);
        var payload = RandomNumberGenerator.GetBytes(160);
        var protectedPacket = new byte[1500];
        var output = new byte[1500];
        for (var i = 0; i < 60; i++)
        {
            var sequence = (ushort)(65510 + i);
            var rtp = SrtpTestProtector.Rtp(sequence, (uint)(i * 160), Ssrc, payload);
            var length = sender.Protect(rtp, protectedPacket);
            Assert.Equal(rtp.Length + SrtpSuites.TagLength(suite), length);

            Assert.Equal(SrtpUnprotectResult.Ok, receiver.Unprotect(protectedPacket.AsSpan(0, length), output, out var plain));
            Assert.Equal(rtp, output.AsSpan(0, plain).ToArray());
        }

        Assert.Equal(1u, receiver.RolloverCounterOf(Ssrc));
    }

    [Fact]
    public void AnAlteredPacketFailsAuthenticationInTheRecorder()
    {
        var keyAndSalt = RandomNumberGenerator.GetBytes(30);
        using var sender = new SrtpSender("AES_CM_128_HMAC_SHA1_80", keyAndSalt);
        using var receiver = new SrtpReceiveContext(new SrtpMasterKey(SrtpSuite.AesCm128HmacSha1_80, keyAndSalt[..16], keyAndSalt[16..], []), 1500);
        var protectedPacket = new byte[1500];
        var length = sender.Protect(SrtpTestProtector.Rtp(1, 160, Ssrc, new byte[160]), protectedPacket);
        protectedPacket[20] ^= 0x01;

        Assert.Equal(SrtpUnprotectResult.AuthenticationFailed, receiver.Unprotect(protectedPacket.AsSpan(0, length), new byte[1500], out _));
    }
}
