using OrleansRecorder.Silo.Media;
using System.Net;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Sdp;

public sealed class SdpWriterTests
{
    [Theory]
    [InlineData(SdpSamples.CucmAckAnswer)]
    [InlineData(SdpSamples.SippAckAnswer)]
    [InlineData(SdpSamples.BaresipOffer)]
    public void WriteThenParseGivesTheSameDescription(string text)
    {
        var first = SdpWriter.Write(SdpParser.Parse(text));
        var second = SdpWriter.Write(SdpParser.Parse(first));

        Assert.Equal(first, second);
        Assert.DoesNotContain("\n", first.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith("\r\n", first, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesTheOfferInRfc4566Order()
    {
        var offer = OfferAnswer.CreateOffer(IPAddress.Parse("10.48.38.30"), 40000, 7, 1, codecs: [AudioCodec.Pcmu, AudioCodec.Pcma, AudioCodec.G722]);

        var text = SdpWriter.Write(offer);

        Assert.Equal(
            "v=0\r\n" +
            "o=OrleansRecorder 7 1 IN IP4 10.48.38.30\r\n" +
            "s=-\r\n" +
            "c=IN IP4 10.48.38.30\r\n" +
            "t=0 0\r\n" +
            "m=audio 40000 RTP/AVP 0 8 9 101\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:9 G722/8000\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\n" +
            "a=fmtp:101 0-15\r\n" +
            "a=ptime:20\r\n" +
            "a=recvonly\r\n",
            text);
    }

    [Fact]
    public void RoundTripKeepsEveryField()
    {
        var sdp = SdpParser.Parse(SdpSamples.BaresipOffer);

        var again = SdpParser.Parse(SdpWriter.Write(sdp));

        Assert.Equal(sdp.Origin, again.Origin);
        Assert.Equal(sdp.Connection, again.Connection);
        Assert.Equal(sdp.Attributes, again.Attributes);
        var media = Assert.Single(again.Media);
        Assert.Equal(sdp.Media[0].Formats, media.Formats);
        Assert.Equal(sdp.Media[0].RtpMaps, media.RtpMaps);
        Assert.Equal(sdp.Media[0].FormatParameters, media.FormatParameters);
        Assert.Equal(sdp.Media[0].Attributes, media.Attributes);
        Assert.Equal(MediaDirection.SendRecv, media.Direction);
    }
}
