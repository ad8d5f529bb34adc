using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Srtp;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Sdp;

/// <summary>SDES SRTP (RFC 4568) in both CUCM flows: early offer (we answer) and delayed offer (we offer, the ACK answers).</summary>
public sealed class SdesOfferAnswerTests
{
    private const string Key30 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
    private const string Key28 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==";
    private static readonly MediaSecurity Secure = new(true, false);
    private static readonly MediaSecurity InsecureAllowed = new(false, true);

    private static SessionDescription Offer(string protocol, params string[] cryptoLines) => SdpParser.Parse(
        "v=0\r\no=CiscoSystemsCCM-SIP 1 1 IN IP4 10.0.0.1\r\ns=SIP Call\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" +
        $"m=audio 4000 {protocol} 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" +
        string.Concat(cryptoLines.Select(line => $"a=crypto:{line}\r\n")) + "a=sendonly\r\n");

    private static (bool Accepted, SessionDescription? Answer, NegotiatedMedia? Media, string? Refusal) Answer(SessionDescription offer, MediaSecurity security)
    {
        var accepted = OfferAnswer.TryCreateAnswer(offer, IPAddress.Parse("10.0.0.9"), 20000, 7, security, out var answer, out var media, out var refusal);
        return (accepted, answer, media, refusal);
    }

    /// <summary>RFC 4568 §7.1.1 and §7.1.2: the first supported suite in the offer's order, same tag, our own key; the peer's key decrypts.</summary>
    [Fact]
    public void EarlyOfferIsAnsweredWithTheFirstSupportedSuiteTheSameTagAndOurOwnKey()
    {
        var offer = Offer("RTP/SAVP", $"1 F8_128_HMAC_SHA1_80 inline:{Key30}", $"2 AES_CM_128_HMAC_SHA1_32 inline:{Key30}", $"3 AES_CM_128_HMAC_SHA1_80 inline:{Key30}");
        var (accepted, answer, media, _) = Answer(offer, Secure);

        Assert.True(accepted);
        var line = Assert.Single(answer!.Media);
        Assert.Equal("RTP/SAVP", line.Protocol);
        var crypto = Assert.Single(line.Attributes, a => a.Name == "crypto");
        var ours = CryptoAttribute.Parse(crypto.Value!);
        Assert.Equal(2, ours.Tag);
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_32, ours.Key!.Suite);
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_32, media!.Srtp!.Suite);
        Assert.Equal(Convert.FromBase64String(Key30)[..16], media.Srtp.Key);
        Assert.Equal(Convert.FromBase64String(Key30)[16..], media.Srtp.Salt);
        Assert.NotEqual(media.Srtp.Key, ours.Key.Key);
        Assert.Contains("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:", SdpWriter.Write(answer), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AEAD_AES_128_GCM", Key28, SrtpSuite.AeadAes128Gcm)]
    [InlineData("AEAD_AES_256_GCM", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis=", SrtpSuite.AeadAes256Gcm)]
    [InlineData("AES_CM_128_HMAC_SHA1_80", Key30, SrtpSuite.AesCm128HmacSha1_80)]
    public void EverySuiteWeSupportCanBeChosen(string name, string key, SrtpSuite suite)
    {
        var (accepted, _, media, _) = Answer(Offer("RTP/SAVP", $"5 {name} inline:{key}"), Secure);
        Assert.True(accepted);
        Assert.Equal(suite, media!.Srtp!.Suite);
    }

    /// <summary>RFC 4568 §6.1: lifetime (decimal or 2^n) and MKI value:length are parsed; the MKI goes to the receiver.</summary>
    [Fact]
    public void LifetimeAndMkiAreParsed()
    {
        var (accepted, _, media, _) = Answer(Offer("RTP/SAVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key30}|2^31|258:2"), Secure);
        Assert.True(accepted);
        Assert.Equal(1L << 31, media!.Srtp!.Lifetime);
        Assert.Equal(new byte[] { 0x01, 0x02 }, media.Srtp.Mki);

        var decimalLifetime = CryptoAttribute.Parse($"1 AES_CM_128_HMAC_SHA1_80 inline:{Key30}|1048576");
        Assert.Equal(1048576, decimalLifetime.Key!.Lifetime);
        Assert.Empty(decimalLifetime.Key.Mki);
    }

    /// <summary>RFC 4568 §6.1: several keys in one line are not supported: the line is skipped (not its first key taken).</summary>
    [Fact]
    public void ALineWithSeveralKeysIsSkippedForTheNextOne()
    {
        var offer = Offer("RTP/SAVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key30}|2^20|1:4;inline:{Key30}|2^20|2:4", $"2 AES_CM_128_HMAC_SHA1_32 inline:{Key30}");
        var (accepted, _, media, _) = Answer(offer, Secure);
        Assert.True(accepted);
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_32, media!.Srtp!.Suite);

        Assert.False(Answer(Offer("RTP/SAVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key30};inline:{Key30}"), Secure).Accepted);
    }

    [Theory]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=")]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:not*base64")]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key30 + "|2^49")]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key30 + "|1:0")]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key30 + "|70000:1")]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key")]
    [InlineData("x AES_CM_128_HMAC_SHA1_80 inline:" + Key30)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80")]
    [InlineData("1 AEAD_AES_128_GCM inline:" + Key30)]
    public void AMalformedCryptoLineRefusesTheOfferWith488AndSaysWhy(string line)
    {
        Assert.Equal(CryptoAttributeStatus.Malformed, CryptoAttribute.Parse(line).Status);
        var (accepted, _, _, refusal) = Answer(Offer("RTP/SAVP", line), Secure);
        Assert.False(accepted);
        Assert.StartsWith("Malformed a=crypto", refusal, StringComparison.Ordinal);
    }

    /// <summary>RFC 4568 §8.3: SDES keys over UDP/TCP are in clear: refused (488 with this Warning) unless the setting allows it.</summary>
    [Fact]
    public void SrtpOverAnInsecureTransportIsRefusedUnlessAllowed()
    {
        var offer = Offer("RTP/SAVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key30}");
        var (refused, _, _, refusal) = Answer(offer, MediaSecurity.Insecure);
        Assert.False(refused);
        Assert.Equal(OfferAnswer.InsecureSrtpRefusal, refusal);

        var (accepted, _, media, _) = Answer(offer, InsecureAllowed);
        Assert.True(accepted);
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_80, media!.Srtp!.Suite);
    }

    [Fact]
    public void AnSrtpOfferWithNoSupportedSuiteIsRefused()
    {
        var (accepted, _, _, refusal) = Answer(Offer("RTP/SAVP", $"1 F8_128_HMAC_SHA1_80 inline:{Key30}"), Secure);
        Assert.False(accepted);
        Assert.Equal("No SRTP crypto suite of the offer is supported", refusal);
    }

    [Fact]
    public void PlainRtpStaysPlain()
    {
        var (accepted, answer, media, _) = Answer(Offer("RTP/AVP"), Secure);
        Assert.True(accepted);
        Assert.Null(media!.Srtp);
        Assert.Equal("RTP/AVP", answer!.Media[0].Protocol);
        Assert.DoesNotContain("a=crypto", SdpWriter.Write(answer), StringComparison.Ordinal);
    }

    /// <summary>Delayed offer on a secure dialog: RTP/SAVP with one line per suite (tags 1..4); the ACK's answer picks one with its key.</summary>
    [Fact]
    public void DelayedOfferCarriesEverySuiteAndTheAnswerPicksOne()
    {
        var offer = OfferAnswer.CreateOffer(IPAddress.Parse("10.0.0.9"), 20000, 7, 1, Secure, [AudioCodec.Pcmu, AudioCodec.Pcma, AudioCodec.G722]);
        var text = SdpWriter.Write(offer);
        Assert.Contains("m=audio 20000 RTP/SAVP 0 8 9 101", text, StringComparison.Ordinal);
        var tags = offer.Media[0].Attributes.Where(a => a.Name == "crypto").Select(a => CryptoAttribute.Parse(a.Value!)).ToList();
        Assert.Equal([1L, 2L, 3L, 4L], tags.Select(t => t.Tag));
        Assert.Equal(SrtpSuites.All, tags.Select(t => t.Key!.Suite));

        var answer = SdpParser.Parse(
            "v=0\r\no=CUCM 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n" +
            $"a=crypto:3 AEAD_AES_128_GCM inline:{Key28}\r\na=sendonly\r\n");
        Assert.True(OfferAnswer.TryReadAnswer(answer, Secure, out var media, out _));
        Assert.Equal(SrtpSuite.AeadAes128Gcm, media!.Srtp!.Suite);
        Assert.Equal(Convert.FromBase64String(Key28)[..16], media.Srtp.Key);

        // Not secure: plain RTP/AVP and no keys.
        Assert.DoesNotContain("crypto", SdpWriter.Write(OfferAnswer.CreateOffer(IPAddress.Parse("10.0.0.9"), 20000, 7, 1, MediaSecurity.Insecure)), StringComparison.Ordinal);
    }

    /// <summary>RFC 4568 §7.1.2: an answer whose tag is not ours, whose suite differs from our line's, or that is malformed: the leg ends flagged.</summary>
    [Theory]
    [InlineData("a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" + Key30, "bad-crypto")]
    [InlineData("a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:" + Key30, "bad-crypto")]
    [InlineData("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:short", "bad-crypto")]
    [InlineData("", "bad-crypto")]
    public void AnUnusableCryptoAnswerIsRefusedWithAReason(string cryptoLine, string expected)
    {
        var answer = SdpParser.Parse(
            "v=0\r\no=CUCM 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n" +
            (cryptoLine.Length > 0 ? cryptoLine + "\r\n" : "") + "a=sendonly\r\n");
        Assert.False(OfferAnswer.TryReadAnswer(answer, Secure, out _, out var problem));
        Assert.Equal(expected, problem);
        Assert.False(OfferAnswer.TryReadAnswer(answer, MediaSecurity.Insecure, out _, out var insecure));
        Assert.Equal("insecure-srtp", insecure);
    }
}
