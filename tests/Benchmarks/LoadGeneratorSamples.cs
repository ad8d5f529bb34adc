using System.Text;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// One leg's SIP as tools/LoadGenerator sends it (CallLeg.cs) and the recorder answers it, byte for byte in form (CRLF
/// line ends, values of the same length): what the setup-rate figures of docs/PERFORMANCE.md parse per call.
/// </summary>
internal static class LoadGeneratorSamples
{
    private const string FromFull =
        "<sip:1001@127.0.0.1;x-nearend;x-refci=19301625;x-nearendclusterid=StandAloneCluster;x-nearenddevice=SEP6C416A369525;" +
        "x-nearendaddr=1001;x-farendrefci=19301624;x-farendclusterid=StandAloneCluster;x-farenddevice=SEP38ED18552A12;" +
        "x-farendaddr=1000>;tag=104958~e650e088-60ba-4195-8387-3dcc0127efdc";

    private const string FromShort = "<sip:1001@127.0.0.1;x-nearend;x-refci=19301625>;tag=104958~e650e088-60ba-4195-8387-3dcc0127efdc";
    private const string CallId = "6f1c2b0e8d9a4c3fb1e2d3c4b5a69788@127.0.0.1";
    private const string ToWithTag = "<sip:recorder@127.0.0.1>;tag=5b1e2c3d4f";

    /// <summary>The INVITE (delayed offer: no body).</summary>
    public static readonly byte[] Invite = Encoding.UTF8.GetBytes(
        "INVITE sip:recorder@127.0.0.1:5973 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK6f1c2b0e8d9a4c3f\r\n" +
        $"From: {FromFull}\r\n" +
        "To: <sip:recorder@127.0.0.1>\r\n" +
        $"Call-ID: {CallId}\r\n" +
        "CSeq: 101 INVITE\r\n" +
        "Supported: timer,resource-priority,replaces\r\n" +
        "Min-SE: 1800\r\n" +
        "Session-Expires: 1800\r\n" +
        "User-Agent: Cisco-CUCM14.0\r\n" +
        "Allow: INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY\r\n" +
        "Expires: 180\r\n" +
        "Allow-Events: presence, kpml\r\n" +
        "Supported: X-cisco-srtp-fallback\r\n" +
        "Supported: Geolocation\r\n" +
        "Call-Info: <sip:127.0.0.1:40123>;method=\"NOTIFY;Event=telephone-event;Duration=500\"\r\n" +
        "P-Asserted-Identity: <sip:1001@127.0.0.1>\r\n" +
        "Remote-Party-ID: <sip:1001@127.0.0.1>;party=calling;screen=yes;privacy=off\r\n" +
        "Contact: <sip:1001@127.0.0.1:40123;transport=UDP>;isFocus\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n\r\n");

    /// <summary>The recorder's 200 (OK) to the INVITE, with its offer.</summary>
    public static readonly byte[] InviteOk = Encoding.UTF8.GetBytes(
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK6f1c2b0e8d9a4c3f\r\n" +
        $"From: {FromFull}\r\n" +
        $"To: {ToWithTag}\r\n" +
        $"Call-ID: {CallId}\r\n" +
        "CSeq: 101 INVITE\r\n" +
        "Server: OrleansRecorder\r\n" +
        "Contact: <sip:recorder@127.0.0.1:5973>\r\n" +
        "Supported: timer\r\n" +
        "Session-Expires: 1800;refresher=uac\r\n" +
        "Require: timer\r\n" +
        "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 175\r\n\r\n" +
        "v=0\r\no=OrleansRecorder 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        "m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n");

    /// <summary>The ACK with the load generator's answer.</summary>
    public static readonly byte[] Ack = Encoding.UTF8.GetBytes(
        "ACK sip:recorder@127.0.0.1:5973 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK0a1b2c3d4e5f6a7b\r\n" +
        $"From: {FromShort}\r\n" +
        $"To: {ToWithTag}\r\n" +
        $"Call-ID: {CallId}\r\n" +
        "CSeq: 101 ACK\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 238\r\n\r\n" +
        "v=0\r\no=CiscoSystemsCCM-SIP 1 1 IN IP4 127.0.0.1\r\ns=SIP Call\r\nc=IN IP4 127.0.0.1\r\nb=TIAS:64000\r\nb=AS:64\r\n" +
        "t=0 0\r\nm=audio 41234 RTP/AVP 0 101\r\na=ptime:20\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");

    /// <summary>The BYE that ends the leg.</summary>
    public static readonly byte[] Bye = Encoding.UTF8.GetBytes(
        "BYE sip:recorder@127.0.0.1:5973 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK7c8d9e0f1a2b3c4d\r\n" +
        $"From: {FromShort}\r\n" +
        $"To: {ToWithTag}\r\n" +
        $"Call-ID: {CallId}\r\n" +
        "CSeq: 102 BYE\r\n" +
        "Max-Forwards: 70\r\n" +
        "Reason: Q.850;cause=16\r\n" +
        "Content-Length: 0\r\n\r\n");
}
