using System.Text;

namespace OrleansRecorder.Benchmarks;

/// <summary>The CUCM messages of PROTOCOL.md §1.5, byte for byte (CRLF line ends).</summary>
internal static class CucmSamples
{
    /// <summary>The near-end leg's INVITE (delayed offer: no body).</summary>
    public static readonly byte[] Invite = Encoding.UTF8.GetBytes(
        "INVITE sip:7878@10.48.38.30:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP 10.48.38.5:5060;branch=z9hG4bK32ecc2c802c\r\n" +
        "From: \"SJ User 2\" <sip:1001@10.48.38.5;x-nearend;x-refci=19301625;x-nearendclusterid=StandAloneCluster;" +
        "x-nearenddevice=SEP6C416A369525;x-nearendaddr=1001;x-farendrefci=19301624;x-farendclusterid=StandAloneCluster;" +
        "x-farenddevice=SEP38ED18552A12;x-farendaddr=1000>;tag=104958~e650e088-60ba-4195-8387-3dcc0127efdc-19301629\r\n" +
        "To: <sip:7878@10.48.38.30>\r\n" +
        "Date: Tue, 27 Aug 2019 15:27:43 GMT\r\n" +
        "Call-ID: 35554700-d6514bef-3281-526300e@10.48.38.5\r\n" +
        "Supported: timer,resource-priority,replaces\r\n" +
        "Min-SE:  1800\r\n" +
        "User-Agent: Cisco-CUCM11.5\r\n" +
        "Allow: INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY\r\n" +
        "CSeq: 101 INVITE\r\n" +
        "Expires: 180\r\n" +
        "Allow-Events: presence, kpml\r\n" +
        "Supported: X-cisco-srtp-fallback\r\n" +
        "Supported: Geolocation\r\n" +
        "Call-Info: <sip:10.48.38.5:5060>;method=\"NOTIFY;Event=telephone-event;Duration=500\"\r\n" +
        "Call-Info: <urn:x-cisco-remotecc:callinfo>;x-cisco-video-traffic-class=DESKTOP\r\n" +
        "Session-ID: 0848153900105000a0006c416a369525;remote=00000000000000000000000000000000\r\n" +
        "Cisco-Guid: 0894781184-0000065536-0000000022-0086388750\r\n" +
        "Session-Expires:  1800\r\n" +
        "P-Asserted-Identity: \"SJ User 2\" <sip:1001@10.48.38.5>\r\n" +
        "Remote-Party-ID: \"SJ User 2\" <sip:1001@10.48.38.5>;party=calling;screen=yes;privacy=off\r\n" +
        "Contact: <sip:1001@10.48.38.5:5060;transport=tcp>;isFocus;+u.sip!devicename.ccm.cisco.com=\"SEP6C416A369525\"\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n");

    /// <summary>CUCM's answer in the ACK.</summary>
    public static readonly byte[] AckAnswer = Encoding.UTF8.GetBytes(
        "v=0\r\n" +
        "o=CiscoSystemsCCM-SIP 104958 1 IN IP4 10.48.38.5\r\n" +
        "s=SIP Call\r\n" +
        "c=IN IP4 10.48.38.107\r\n" +
        "b=TIAS:64000\r\n" +
        "b=AS:64\r\n" +
        "t=0 0\r\n" +
        "m=audio 26396 RTP/AVP 0 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=sendonly\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n");
}
