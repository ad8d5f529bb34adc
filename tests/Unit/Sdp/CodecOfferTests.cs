using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Sdp;

/// <summary>Which codecs we offer and accept (issue #13): G.729 through libbcg729, Opus per RFC 7587, refusals with reasons.</summary>
public sealed class CodecOfferTests
{
    private static readonly IPAddress Local = IPAddress.Parse("10.48.38.30");

    private static SessionDescription Offer(string media) =>
        SdpParser.Parse("v=0\r\no=CiscoSystemsCCM-SIP 1 1 IN IP4 10.0.0.1\r\ns=SIP Call\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" + media);

    [Fact]
    public void DefaultOfferHasEveryAvailableCodecWithG711FirstThenTelephoneEvent()
    {
        var media = Assert.Single(OfferAnswer.CreateOffer(Local, 40000, 1, 1).Media);

        // G.729 is offered where libbcg729 is installed (the integration tests' G729OfferTests require it there).
        int[] expected = AudioDecoders.IsAvailable(AudioCodec.G729) ? [0, 8, 9, 18, 111, 101] : [0, 8, 9, 111, 101];
        Assert.Equal(expected, media.PayloadTypes);

        // RFC 7587 §7: opus/48000/2 whatever the audio is.
        Assert.Equal(new RtpMapAttribute(111, "opus", 48000, 2), media.FindRtpMap(111));
        Assert.Equal("useinbandfec=1", media.FindFormatParameters(111));
    }

    [Fact]
    public void ConfiguredOrderIsKeptAndCodecsWeCannotDecodeAreLeftOutWithTheReason()
    {
        var (offered, leftOut) = CodecAvailability.ParseOffer(["opus", "iLBC", "g722", "PCMA", "AMR", "opus"]);

        Assert.Equal([AudioCodec.Opus, AudioCodec.G722, AudioCodec.Pcma], offered);
        Assert.Equal(2, leftOut.Count);
        Assert.StartsWith("iLBC: no decoder", leftOut[0], StringComparison.Ordinal);
        Assert.StartsWith("AMR: no decoder", leftOut[1], StringComparison.Ordinal);
        var media = Assert.Single(OfferAnswer.CreateOffer(Local, 40000, 1, 1, codecs: offered).Media);
        Assert.Equal([111, 9, 8, 101], media.PayloadTypes);
    }

    [Fact]
    public void AnEmptyConfigurationOffersEverythingAvailable()
    {
        var (offered, leftOut) = CodecAvailability.ParseOffer([]);

        Assert.Equal(AudioDecoders.Available(), offered);
        Assert.Empty(leftOut);
    }

    [Fact]
    public void EarlyOfferWithOpusIsAnsweredWithItsDynamicPayloadTypeAt48kHz()
    {
        // RFC 7587 §7: any dynamic payload type; the answer keeps the offer's number (RFC 3264 §6.1).
        var offer = Offer("m=audio 4000 RTP/AVP 114 101\r\na=rtpmap:114 opus/48000/2\r\na=fmtp:114 useinbandfec=1\r\na=rtpmap:101 telephone-event/8000\r\n");

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40000, 1, out var answer, out var media));

        Assert.Equal(AudioCodec.Opus, media?.Codec);
        Assert.Equal(114, media?.PayloadType);
        Assert.Equal(new RtpMapAttribute(114, "opus", 48000, 2), answer!.Media[0].FindRtpMap(114));
    }

    [Fact]
    public void OpusAt8000IsNotOpus()
    {
        // RFC 7587 §7: the clock rate must be 48000.
        Assert.False(OfferAnswer.TryCreateAnswer(Offer("m=audio 4000 RTP/AVP 114\r\na=rtpmap:114 opus/8000\r\n"), Local, 40000, 1, out _, out _));
    }

    [Theory]
    [InlineData("m=audio 4000 RTP/AVP 97\r\na=rtpmap:97 iLBC/8000\r\na=fmtp:97 mode=30\r\n", "iLBC")]
    [InlineData("m=audio 4000 RTP/AVP 103\r\na=rtpmap:103 ISAC/16000\r\n", "ISAC")]
    [InlineData("m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 AMR-WB/16000\r\n", "AMR-WB")]
    [InlineData("m=audio 4000 RTP/AVP 4\r\n", "G723")]
    public void EarlyOfferWithOnlyCodecsWeLackIsRefusedWithTheirNames(string media, string name)
    {
        var offer = Offer(media);

        Assert.False(OfferAnswer.TryCreateAnswer(offer, Local, 40000, 1, out _, out _));
        var reason = OfferAnswer.DescribeUnsupported(offer);
        Assert.Contains($"offered {name}", reason, StringComparison.Ordinal);
        Assert.Contains("this node decodes PCMU, PCMA, G722", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutLibbcg729TheRefusalSaysHowToEnableG729()
    {
        var offer = Offer("m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n");

        var reason = OfferAnswer.DescribeUnsupported(offer, g729Available: false);

        Assert.Contains("G.729 is not enabled", reason, StringComparison.Ordinal);
        Assert.Contains("apt install libbcg729-0", reason, StringComparison.Ordinal);
    }
}
