using System.Text;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Siprec;

public sealed class SiprecRecognitionTests
{
    private static SipMessage Invite(string extraHeaders, string contact = "<sip:src@127.0.0.1:5070>") => SipMessageParser.Parse(Encoding.UTF8.GetBytes(
        "INVITE sip:srs@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n" +
        "From: <sip:src@127.0.0.1>;tag=1\r\nTo: <sip:srs@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n" +
        "Contact: " + contact + "\r\n" + extraHeaders + "Content-Length: 0\r\n\r\n"), 65535);

    [Fact]
    public void Rfc7866_Section6_1_RequireSiprecAndSrcFeatureTag_IsARecordingSession() =>
        Assert.True(SiprecRecognition.IsRecordingSession(Invite("Require: siprec\r\n", "<sip:src@127.0.0.1:5070>;+sip.src")));

    [Theory]
    [InlineData("Require: timer, siprec\r\n", "<sip:src@127.0.0.1:5070>")]
    [InlineData("Require: SIPREC\r\n", "<sip:src@127.0.0.1:5070>")]
    [InlineData("", "<sip:src@127.0.0.1:5070>;+sip.src")]
    [InlineData("", "<sip:src@127.0.0.1:5070;transport=tcp>;+sip.src;expires=60")]
    [InlineData("", "<sip:src@127.0.0.1:5070;src>")]
    [InlineData("", "<sip:src@127.0.0.1:5070>;src")]
    public void Rfc7866_Section6_1_EitherMarkerAlone_IsARecordingSession(string headers, string contact) =>
        Assert.True(SiprecRecognition.IsRecordingSession(Invite(headers, contact)));

    [Theory]
    [InlineData("", "<sip:1001@10.48.38.5:5060;transport=tcp>;isFocus;+u.sip!devicename.ccm.cisco.com=\"SEP6C416A369525\"")]
    [InlineData("Require: timer\r\nSupported: siprec\r\n", "<sip:src@127.0.0.1:5070>")]
    [InlineData("", "<sip:srcuser@127.0.0.1:5070>;+sip.srs")]
    public void PlainInvites_AreNotRecordingSessions(string headers, string contact) =>
        Assert.False(SiprecRecognition.IsRecordingSession(Invite(headers, contact)));

    [Fact]
    public void Rfc3261_Section8_2_2_3_RequireSiprec_IsAnOptionTagWeSupport_No420()
    {
        var invite = Invite("Require: siprec, timer\r\n");

        Assert.Null(InDialogRules.CheckRequire((SipRequest)invite));
        Assert.Equal(420, InDialogRules.CheckRequire((SipRequest)Invite("Require: siprec, 100rel\r\n"))!.Value.StatusCode);
    }
}
