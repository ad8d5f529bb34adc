using System.Text;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>Sample messages shared by the SIP tests.</summary>
internal static class SipTestMessages
{
    public const string CucmFrom =
        "\"SJ User 2\" <sip:1001@10.48.38.5;x-nearend;x-refci=19301625;x-nearendclusterid=StandAloneCluster;" +
        "x-nearenddevice=SEP6C416A369525;x-nearendaddr=1001;x-farendrefci=19301624;x-farendclusterid=StandAloneCluster;" +
        "x-farenddevice=SEP38ED18552A12;x-farendaddr=1000>;tag=104958~e650e088-60ba-4195-8387-3dcc0127efdc-19301629";

    public const string SmallSdp = "v=0\r\no=CiscoSystemsCCM-SIP 104958 1 IN IP4 10.48.38.5\r\ns=SIP Call\r\n";

    /// <summary>The CUCM INVITE of PROTOCOL.md §1.5, with a small SDP body added.</summary>
    public static readonly string CucmInvite =
        "INVITE sip:7878@10.48.38.30:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP 10.48.38.5:5060;branch=z9hG4bK32ecc2c802c\r\n" +
        "From: " + CucmFrom + "\r\n" +
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
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {SmallSdp.Length}\r\n" +
        "\r\n" +
        SmallSdp;

    public const string Response =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;received=10.0.0.9;rport=5070\r\n" +
        "From: <sip:a@10.0.0.1>;tag=1\r\n" +
        "To: <sip:b@10.0.0.2>;tag=2\r\n" +
        "Call-ID: resp-1@10.0.0.1\r\n" +
        "CSeq: 7 OPTIONS\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    /// <summary>Folded lines, compact names, odd whitespace around colons, a Via line with two values.</summary>
    public const string FoldedCompact =
        "OPTIONS sip:rec@10.0.0.2 SIP/2.0\r\n" +
        "v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKfold1 , SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKfold2\r\n" +
        "f: <sip:a@10.0.0.1>\r\n" +
        " ;tag=folded\r\n" +
        "t  :  <sip:rec@10.0.0.2>\r\n" +
        "i:fold-1@10.0.0.1\r\n" +
        "CSeq: 1\r\n" +
        "\tOPTIONS\r\n" +
        "Subject: first part\r\n" +
        "   second part\r\n" +
        "l: 4\r\n" +
        "\r\n" +
        "body";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Options(string branch, string callId = "opt-1@127.0.0.1", string transport = "UDP",
        string sentBy = "127.0.0.1:5999", string extraVia = "") =>
        "OPTIONS sip:rec@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/{transport} {sentBy};branch={branch}{extraVia}\r\n" +
        "From: <sip:ping@127.0.0.1>;tag=f1\r\n" +
        "To: <sip:rec@127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";
}
