using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Integration.Sdp;

/// <summary>
/// G.729 offered and answered where libbcg729 is installed (the test command installs libbcg729-0); the unit
/// CodecOfferTests cover every other codec and the refusal without it.
/// </summary>
public sealed class G729OfferTests
{
    private static readonly IPAddress Local = IPAddress.Parse("10.48.38.30");

    [Fact]
    public void TheInstalledLibraryIsFoundAndG729IsOfferedWithAnnexBBetweenG722AndOpus()
    {
        Assert.True(AudioDecoders.IsAvailable(AudioCodec.G729), "libbcg729 not found: apt install libbcg729-0");
        var media = Assert.Single(OfferAnswer.CreateOffer(Local, 40000, 1, 1).Media);

        Assert.Equal([0, 8, 9, 18, 111, 101], media.PayloadTypes);
        Assert.Equal(new RtpMapAttribute(18, "G729", 8000), media.FindRtpMap(18));
        Assert.Equal("annexb=yes", media.FindFormatParameters(18));
    }

    [Fact]
    public void EarlyOfferWithG729AloneIsAnsweredInG729EchoingAnnexB()
    {
        // RFC 3551 §4.5.6, RFC 4856 §2.1.9: CUCM's G.729 offer with Annex B.
        var offer = Offer("m=audio 4000 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=yes\r\na=rtpmap:101 telephone-event/8000\r\n");

        Assert.True(OfferAnswer.TryCreateAnswer(offer, Local, 40000, 1, out var answer, out var media));

        Assert.Equal(AudioCodec.G729, media?.Codec);
        Assert.Equal(18, media?.PayloadType);
        var answered = Assert.Single(answer!.Media);
        Assert.Equal([18, 101], answered.PayloadTypes);
        Assert.Equal("annexb=yes", answered.FindFormatParameters(18));
    }

    [Fact]
    public void StaticPayloadType18WithoutRtpmapIsG729()
    {
        Assert.True(OfferAnswer.TryCreateAnswer(Offer("m=audio 4000 RTP/AVP 18\r\n"), Local, 40000, 1, out _, out var media));
        Assert.Equal(AudioCodec.G729, media?.Codec);
    }

    private static SessionDescription Offer(string media) =>
        SdpParser.Parse("v=0\r\no=CiscoSystemsCCM-SIP 1 1 IN IP4 10.0.0.1\r\ns=SIP Call\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" + media);
}
