using System.Text;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Sdp;

public sealed class SdpParserTests
{
    [Fact]
    public void ParsesCucmAckAnswer()
    {
        var sdp = SdpParser.Parse(SdpSamples.CucmAckAnswer);

        Assert.Equal(new SdpOrigin("CiscoSystemsCCM-SIP", "104958", "1", "IN", "IP4", "10.48.38.5"), sdp.Origin);
        Assert.Equal("SIP Call", sdp.SessionName);
        Assert.Equal(new SdpConnection("IN", "IP4", "10.48.38.107"), sdp.Connection);
        Assert.Equal(["TIAS:64000", "AS:64"], sdp.Bandwidths);
        var media = Assert.Single(sdp.Media);
        Assert.Equal("audio", media.MediaType);
        Assert.Equal(26396, media.Port);
        Assert.Equal("RTP/AVP", media.Protocol);
        Assert.Equal([0, 101], media.PayloadTypes);
        Assert.Equal(MediaDirection.SendOnly, media.Direction);
        Assert.Equal(new RtpMapAttribute(0, "PCMU", 8000), media.FindRtpMap(0));
        Assert.Equal(new RtpMapAttribute(101, "telephone-event", 8000), media.FindRtpMap(101));
        Assert.Equal("0-15", media.FindFormatParameters(101));
        Assert.Null(media.Connection);
    }

    [Fact]
    public void ParsesLfOnlyLinesAndPtime()
    {
        var media = Assert.Single(SdpParser.Parse(SdpSamples.SippAckAnswer).Media);

        Assert.Equal(20, media.PacketTimeMs);
        Assert.Equal([8, 101], media.PayloadTypes);
        Assert.Equal("PCMA", media.FindRtpMap(8)?.EncodingName);
    }

    [Fact]
    public void KeepsUnknownAttributesAndLines()
    {
        var sdp = SdpParser.Parse(SdpSamples.BaresipOffer + "x=unknown line\r\n");

        Assert.Equal(new SdpAttribute("tool", "baresip 1.0.0"), Assert.Single(sdp.Attributes));
        var media = Assert.Single(sdp.Media);
        Assert.Equal(
            [new SdpAttribute("label", "1"), new SdpAttribute("ssrc", "2866112745 cname:b6f5f3c1"), new SdpAttribute("rtcp-rsize", null)],
            media.Attributes);
        Assert.Equal(new SdpLine('x', "unknown line"), Assert.Single(media.OtherLines));
        Assert.Equal(["AS:64"], media.Bandwidths);
    }

    [Fact]
    public void ParsesUtf8BytesLikeText()
    {
        var fromBytes = SdpParser.Parse(Encoding.UTF8.GetBytes(SdpSamples.CucmAckAnswer));

        Assert.Equal(SdpWriter.Write(SdpParser.Parse(SdpSamples.CucmAckAnswer)), SdpWriter.Write(fromBytes));
    }

    [Fact]
    public void ParsesChannelsAndMediaLevelConnectionAndPortCount()
    {
        const string text = "v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nt=0 0\r\nm=audio 5004/2 RTP/AVP 111\r\nc=IN IP6 2001:db8::5\r\na=rtpmap:111 opus/48000/2\r\n";

        var media = Assert.Single(SdpParser.Parse(text).Media);

        Assert.Equal(2, media.PortCount);
        Assert.Equal(new RtpMapAttribute(111, "opus", 48000, 2), media.FindRtpMap(111));
        Assert.Equal(System.Net.IPAddress.Parse("2001:db8::5"), media.Connection?.TryGetIPAddress());
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\nm=audio 4000 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio port RTP/AVP 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio -1 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio\r\n")]
    [InlineData("v=0\r\no=- 1 1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nthis is not sdp\r\nm=audio 4000 RTP/AVP 0\r\n")]
    public void RejectsGarbage(string text)
    {
        var exception = Assert.Throws<SdpParseException>(() => SdpParser.Parse(text));

        Assert.False(string.IsNullOrEmpty(exception.Message));
    }

    [Fact]
    public void RejectsInvalidUtf8()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("v=0\r\ns="), 0xFF, 0xFE];

        Assert.Throws<SdpParseException>(() => SdpParser.Parse(bytes));
    }
}
