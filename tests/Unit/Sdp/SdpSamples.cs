namespace OrleansRecorder.Tests.Unit.Sdp;

/// <summary>SDP bodies from PROTOCOL.md §1.5 and §5, with the line ends real peers use.</summary>
internal static class SdpSamples
{
    /// <summary>CUCM's ACK answer (PROTOCOL.md §1.5), CRLF.</summary>
    public const string CucmAckAnswer =
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
        "a=fmtp:101 0-15\r\n";

    /// <summary>The sipp CUCM-like leg's ACK answer (PROTOCOL.md §5.1), LF only as sipp sends it.</summary>
    public const string SippAckAnswer =
        "v=0\n" +
        "o=CiscoSystemsCCM-SIP 1 1 IN IP4 127.0.0.1\n" +
        "s=SIP Call\n" +
        "c=IN IP4 127.0.0.1\n" +
        "t=0 0\n" +
        "m=audio 17000 RTP/AVP 8 101\n" +
        "a=ptime:20\n" +
        "a=rtpmap:8 PCMA/8000\n" +
        "a=sendonly\n" +
        "a=rtpmap:101 telephone-event/8000\n" +
        "a=fmtp:101 0-15\n";

    /// <summary>An early offer shaped like baresip's (PCMU + telephone-event, sendrecv, extra attributes).</summary>
    public const string BaresipOffer =
        "v=0\r\n" +
        "o=- 1446541296 3126826733 IN IP4 192.168.1.20\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.168.1.20\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "m=audio 18002 RTP/AVP 0 101\r\n" +
        "b=AS:64\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=ssrc:2866112745 cname:b6f5f3c1\r\n" +
        "a=rtcp-rsize\r\n";
}
