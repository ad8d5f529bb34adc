using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Sdp;

public sealed class OfferAnswerTests
{
    private static readonly IPAddress Local = IPAddress.Parse("10.48.38.30");

    [Fact]
    public void OfferListsOurCodecsRecvOnly()
    {
        var offer = OfferAnswer.CreateOffer(Local, 40000, 42, 3, codecs: [AudioCodec.Pcmu, AudioCodec.Pcma, AudioCodec.G722]);

        Assert.Equal(new SdpOrigin("OrleansRecorder", "42", "3", "IN", "IP4", "10.48.38.30"), offer.Origin);
        Assert.Equal(new SdpConnection("IN", "IP4", "10.48.38.30"), offer.Connection);
        var media = Assert.Single(offer.Media);
        Assert.Equal(40000, media.Port);
        Assert.Equal("RTP/AVP", media.Protocol);
        Assert.Equal([0, 8, 9, 101], media.PayloadTypes);
        Assert.Equal("G722", media.FindRtpMap(9)?.EncodingName);
        Assert.Equal("telephone-event", media.FindRtpMap(101)?.EncodingName);
        Assert.Equal("0-15", media.FindFormatParameters(101));
        Assert.Equal(20, media.PacketTimeMs);
        Assert.Equal(MediaDirection.RecvOnly, media.Direction);
    }

    [Fact]
    public void Rfc3264Section5_1_HeldRtpOfALegWithoutAnswerIsReadByOurOwnOffersPayloadTypes()
    {
        // §5.1: having sent the offer, the offerer must be prepared to receive any format it lists; our numbers say the
        // codec, no source is declared (latch), and the peer is taken to send.
        var offer = OfferAnswer.CreateOffer(Local, 40000, 42, 3, codecs: [AudioCodec.Pcmu, AudioCodec.Pcma, AudioCodec.G722]);

        Assert.True(OfferAnswer.TryReadOwnOffer(offer, 8, out var pcma));
        Assert.Equal(new NegotiatedMedia(AudioCodec.Pcma, 8, 101, null, 20, MediaDirection.SendOnly), pcma);
        Assert.True(OfferAnswer.TryReadOwnOffer(offer, 9, out var g722));
        Assert.Equal(AudioCodec.G722, g722!.Codec);

        // Not a format of the offer (G.729's 18 was not offered here), or not audio at all (telephone-event).
        Assert.False(OfferAnswer.TryReadOwnOffer(offer, 18, out var none));
        Assert.Null(none);
        Assert.False(OfferAnswer.TryReadOwnOffer(offer, 101, out _));
    }

    [Fact]
    public void Rfc3264Section5_1_ASecureOfferWithoutItsAnswerHasNoKeyToReadHeldRtpBy()
    {
        // RFC 4568 §7.1.2: the key that protects what the peer sends comes in its answer only.
        var offer = SdpParser.Parse(
            "v=0\r\no=OrleansRecorder 42 3 IN IP4 10.48.38.30\r\ns=-\r\nc=IN IP4 10.48.38.30\r\nt=0 0\r\n" +
            "m=audio 40000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=recvonly\r\n");

        Assert.False(OfferAnswer.TryReadOwnOffer(offer, 0, out var media));
        Assert.Null(media);
    }

    [Fact]
    public void OfferUsesIp6ForIpv6Addresses()
    {
        var offer = OfferAnswer.CreateOffer(IPAddress.Parse("2001:db8::30"), 40002, 1, 1);

        var text = SdpWriter.Write(offer);

        Assert.Contains("o=OrleansRecorder 1 1 IN IP6 2001:db8::30\r\n", text, StringComparison.Ordinal);
        Assert.Contains("c=IN IP6 2001:db8::30\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsCucmAnswerWithThePhoneAsSource()
    {
        var answer = SdpParser.Parse(SdpSamples.CucmAckAnswer);

        Assert.True(OfferAnswer.TryReadAnswer(answer, out var media));

        Assert.Equal(
            new NegotiatedMedia(AudioCodec.Pcmu, 0, 101, new IPEndPoint(IPAddress.Parse("10.48.38.107"), 26396), null, MediaDirection.SendOnly),
            media);
    }

    [Fact]
    public void ReadsSippAnswer()
    {
        Assert.True(OfferAnswer.TryReadAnswer(SdpParser.Parse(SdpSamples.SippAckAnswer), out var media));

        Assert.Equal(
            new NegotiatedMedia(AudioCodec.Pcma, 8, 101, new IPEndPoint(IPAddress.Loopback, 17000), 20, MediaDirection.SendOnly),
            media);
    }

    [Fact]
    public void MediaLevelConnectionWinsAndUnspecifiedAddressMeansLatch()
    {
        const string withMediaC = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\nc=IN IP4 10.0.0.2\r\n";
        const string zeroAddress = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n";
        const string noAddress = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n";

        Assert.True(OfferAnswer.TryReadAnswer(SdpParser.Parse(withMediaC), out var first));
        Assert.True(OfferAnswer.TryReadAnswer(SdpParser.Parse(zeroAddress), out var second));
        Assert.True(OfferAnswer.TryReadAnswer(SdpParser.Parse(noAddress), out var third));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 4000), first?.RemoteRtp);
        Assert.Null(second?.RemoteRtp);
        Assert.Null(third?.RemoteRtp);
        Assert.Equal(MediaDirection.SendRecv, third?.Direction);
    }

    [Theory]
    [InlineData("m=audio 0 RTP/AVP 0\r\n")]
    [InlineData("m=audio 4000 RTP/AVP 97 101\r\na=rtpmap:97 iLBC/8000\r\na=rtpmap:101 telephone-event/8000\r\n")]
    [InlineData("m=video 4000 RTP/AVP 0\r\n")]
    [InlineData("m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 PCMU/16000\r\n")]
    public void AnswerWithoutUsableAudioIsRejected(string mediaSection)
    {
        var answer = SdpParser.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" + mediaSection);

        Assert.False(OfferAnswer.TryReadAnswer(answer, out var media));
        Assert.Null(media);
    }

    [Fact]
    public void AnswerSelectsDynamicPayloadTypeByNameCaseInsensitive()
    {
        var answer = SdpParser.Parse(
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 98 97 96\r\n" +
            "a=rtpmap:98 iLBC/8000\r\na=rtpmap:97 g722/8000\r\na=rtpmap:96 TELEPHONE-EVENT/8000\r\n");

        Assert.True(OfferAnswer.TryReadAnswer(answer, out var media));

        Assert.Equal(AudioCodec.G722, media?.Codec);
        Assert.Equal(97, media?.PayloadType);
        Assert.Equal(96, media?.TelephoneEventPayloadType);
    }

    [Fact]
    public void AnswersBaresipEarlyOfferWithPcmuAndTelephoneEventRecvOnly()
    {
        var offer = SdpParser.Parse(SdpSamples.BaresipOffer);

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40010, 99, out var answer, out var media));

        Assert.Equal(
            new NegotiatedMedia(AudioCodec.Pcmu, 0, 101, new IPEndPoint(IPAddress.Parse("192.168.1.20"), 18002), null, MediaDirection.SendRecv),
            media);
        Assert.NotNull(answer);
        Assert.Equal(
            "v=0\r\n" +
            "o=OrleansRecorder 99 1 IN IP4 10.48.38.30\r\n" +
            "s=-\r\n" +
            "c=IN IP4 10.48.38.30\r\n" +
            "t=0 0\r\n" +
            "m=audio 40010 RTP/AVP 0 101\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\n" +
            "a=fmtp:101 0-15\r\n" +
            "a=recvonly\r\n",
            SdpWriter.Write(answer));
    }

    [Fact]
    public void OfferWithOnlyILbcCannotBeAnswered()
    {
        var offer = SdpParser.Parse(
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 97 101\r\n" +
            "a=rtpmap:97 iLBC/8000\r\na=fmtp:97 mode=30\r\na=rtpmap:101 telephone-event/8000\r\n");

        Assert.False(OfferAnswer.TryCreateAnswer(offer, Local, 40010, 1, out var answer, out var media));
        Assert.Null(answer);
        Assert.Null(media);
    }

    [Fact]
    public void AnswerPrefersTheOffersOrderAndCanChooseG722()
    {
        var offer = SdpParser.Parse(
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 97 9 0 8\r\n" +
            "a=rtpmap:97 iLBC/8000\r\na=ptime:30\r\na=sendonly\r\n");

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40010, 1, out var answer, out var media));

        Assert.Equal(AudioCodec.G722, media?.Codec);
        Assert.Equal(9, media?.PayloadType);
        Assert.Null(media?.TelephoneEventPayloadType);
        Assert.Equal(30, media?.PacketTimeMs);
        var answered = Assert.Single(answer!.Media);
        Assert.Equal([9], answered.PayloadTypes);
        Assert.Equal(new RtpMapAttribute(9, "G722", 8000), answered.FindRtpMap(9));
        Assert.Equal(MediaDirection.RecvOnly, answered.Direction);
    }

    [Theory]
    [InlineData("a=recvonly\r\n")]
    [InlineData("a=inactive\r\n")]
    public void RecvOnlyOrInactiveOfferIsAnsweredInactive(string direction)
    {
        var offer = SdpParser.Parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n" + direction);

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40010, 1, out var answer, out _));

        Assert.Equal(MediaDirection.Inactive, Assert.Single(answer!.Media).Direction);
    }

    [Theory]
    [InlineData("a=sendrecv\r\n", "RecvOnly", true)]
    [InlineData("", "RecvOnly", true)]
    [InlineData("a=sendonly\r\n", "RecvOnly", true)]
    [InlineData("a=recvonly\r\n", "Inactive", false)]
    [InlineData("a=inactive\r\n", "Inactive", false)]
    public void HoldReInviteIsMirroredPerRfc3264Section6_1(string direction, string answeredName, bool peerSends)
    {
        var answered = Enum.Parse<MediaDirection>(answeredName);
        // CUCM's hold re-INVITE: same codec, new o= version, only the direction changes.
        var offer = SdpParser.Parse("v=0\r\no=CiscoSystemsCCM-SIP 1 2 IN IP4 10.0.0.1\r\ns=SIP Call\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" + direction);

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40010, 1, out var answer, out var media, sessionVersion: 3));

        Assert.Equal(answered, Assert.Single(answer!.Media).Direction);
        var written = SdpParser.Parse(SdpWriter.Write(answer));
        Assert.Equal(answered, written.EffectiveDirection(written.Media[0]));
        Assert.Equal(40010, answer.Media[0].Port);
        Assert.Equal(peerSends, media!.PeerSends);
        Assert.Equal(answered, OfferAnswer.AnswerDirection(media.Direction));
    }

    [Fact]
    public void AnswerKeepsMediaLineCountAndRejectsOthersWithPortZero()
    {
        var offer = SdpParser.Parse(
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" +
            "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n" +
            "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc\r\n" +
            "m=audio 4002 RTP/AVP 8 0\r\n" +
            "m=audio 4004 RTP/AVP 0\r\n");

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40010, 1, out var answer, out var media));

        Assert.Equal(4, answer!.Media.Count);
        Assert.Equal([0, 0, 40010, 0], [.. answer.Media.Select(m => m.Port)]);
        Assert.Equal(["video", "audio", "audio", "audio"], [.. answer.Media.Select(m => m.MediaType)]);
        Assert.Equal(["96"], answer.Media[0].Formats);
        Assert.Equal("RTP/SAVP", answer.Media[1].Protocol);
        Assert.Equal(AudioCodec.Pcma, media?.Codec);
        Assert.Equal(4002, media?.RemoteRtp?.Port);
        Assert.Equal(answer.Media.Count, SdpParser.Parse(SdpWriter.Write(answer)).Media.Count);
    }

    [Fact]
    public void AnswerToIpv6OfferUsesIp6()
    {
        var offer = SdpParser.Parse("v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");

        Assert.True(OfferAnswer.TryCreateAnswer(offer, IPAddress.IPv6Loopback, 40010, 1, out var answer, out var media));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 4000), media?.RemoteRtp);
        Assert.Equal(new SdpConnection("IN", "IP6", "::1"), answer?.Connection);
    }
}
