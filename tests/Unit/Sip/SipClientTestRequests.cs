using System.Net;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>Requests as the dialog layer hands them to <c>ISipClient</c>: no Via, no Max-Forwards (the stack adds them).</summary>
internal static class SipClientTestRequests
{
    public static SipRequest Bye(IPEndPoint peer, string callId = "bye-1@127.0.0.1", uint cseq = 2)
    {
        var headers = new SipHeaders();
        headers.Add(SipHeaderNames.From, "<sip:7878@127.0.0.1>;tag=rec");
        headers.Add(SipHeaderNames.To, "<sip:1001@127.0.0.1>;tag=cucm");
        headers.Add(SipHeaderNames.CallId, callId);
        headers.Add(SipHeaderNames.CSeq, $"{cseq} BYE");
        return new SipRequest("BYE", SipUri.Parse($"sip:1001@127.0.0.1:{peer.Port}"), headers);
    }
}
