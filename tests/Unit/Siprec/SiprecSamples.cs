namespace OrleansRecorder.Tests.Unit.Siprec;

/// <summary>
/// Metadata documents in each SRC dialect of SECURE_MEDIA.md §4, written here from the facts listed there (ids,
/// numbers and hosts made up).
/// </summary>
internal static class SiprecSamples
{
    /// <summary>Cisco CUBE: RFC 7865 as published, labels 1 and 2, send/recv in participantstreamassoc.</summary>
    public const string Cube = """
        <?xml version="1.0" encoding="UTF-8"?>
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <datamode>complete</datamode>
          <session session_id="c2Vzc2lvbi1jdWJlLTAwMQ==">
            <sipSessionID>ab12cd34ef56ab12cd34ef56ab12cd34;remote=00000000000000000000000000000000</sipSessionID>
            <start-time>2026-01-10T09:00:00.000Z</start-time>
          </session>
          <participant participant_id="cGFydC1jYWxsZXI="><nameID aor="sip:4001@192.0.2.10"><name xml:lang="en">Alice Caller</name></nameID></participant>
          <participant participant_id="cGFydC1jYWxsZWU="><nameID aor="sip:4002@192.0.2.10"/></participant>
          <participantsessionassoc participant_id="cGFydC1jYWxsZXI=" session_id="c2Vzc2lvbi1jdWJlLTAwMQ=="><associate-time>2026-01-10T09:00:00.000Z</associate-time></participantsessionassoc>
          <participantsessionassoc participant_id="cGFydC1jYWxsZWU=" session_id="c2Vzc2lvbi1jdWJlLTAwMQ=="><associate-time>2026-01-10T09:00:00.000Z</associate-time></participantsessionassoc>
          <stream stream_id="c3RyZWFtLTE=" session_id="c2Vzc2lvbi1jdWJlLTAwMQ=="><label>1</label></stream>
          <stream stream_id="c3RyZWFtLTI=" session_id="c2Vzc2lvbi1jdWJlLTAwMQ=="><label>2</label></stream>
          <participantstreamassoc participant_id="cGFydC1jYWxsZXI="><send>c3RyZWFtLTE=</send><recv>c3RyZWFtLTI=</recv></participantstreamassoc>
          <participantstreamassoc participant_id="cGFydC1jYWxsZWU="><send>c3RyZWFtLTI=</send><recv>c3RyZWFtLTE=</recv></participantstreamassoc>
        </recording>
        """;

    /// <summary>
    /// Oracle/Acme Packet: namespace without <c>:1</c>, <c>id=</c>/<c>session=</c> attributes, send/recv inside the
    /// participant, long numeric labels, a vendor extension element for the calling party.
    /// </summary>
    public const string Acme = """
        <?xml version='1.0' encoding='UTF-8'?>
        <recording xmlns='urn:ietf:params:xml:ns:recording'>
          <datamode>complete</datamode>
          <session id="YWNtZS1zZXNzaW9u">
            <associate-time>2026-01-10T09:05:00Z</associate-time>
          </session>
          <participant id="YWNtZS1wMQ==" session="YWNtZS1zZXNzaW9u">
            <nameID aor="sip:5001@198.51.100.7"><name>Bob Agent</name></nameID>
            <send>YWNtZS1zMQ==</send>
            <recv>YWNtZS1zMg==</recv>
            <associate-time>2026-01-10T09:05:00Z</associate-time>
          </participant>
          <participant id="YWNtZS1wMg==" session="YWNtZS1zZXNzaW9u">
            <nameID aor="sip:+15550100@198.51.100.8"/>
            <send>YWNtZS1zMg==</send>
            <recv>YWNtZS1zMQ==</recv>
          </participant>
          <stream id="YWNtZS1zMQ==" session="YWNtZS1zZXNzaW9u"><label>16777227</label></stream>
          <stream id="YWNtZS1zMg==" session="YWNtZS1zZXNzaW9u"><label>16777228</label></stream>
          <apkt:ucid xmlns:apkt="http://acmepacket.com/siprec/extensiondata">00FA080018803B69810C3D</apkt:ucid>
          <apkt:callingParty xmlns:apkt="http://acmepacket.com/siprec/extensiondata">true</apkt:callingParty>
        </recording>
        """;

    /// <summary>
    /// Ribbon/Sonus: every element prefixed (<c>tns:</c>), AORs without <c>sip:</c>, the recorded call's From, To and
    /// Call-ID in a <c>callData</c> element of its own namespace inside <c>group</c>.
    /// </summary>
    public const string Ribbon = """
        <?xml version="1.0" encoding="UTF-8"?>
        <tns:recording xmlns:tns="urn:ietf:params:xml:ns:recording:1">
          <tns:datamode>complete</tns:datamode>
          <tns:group group_id="cmliYm9uLWdyb3Vw">
            <tns:associate-time>2026-01-10T09:10:00Z</tns:associate-time>
            <sonus:callData xmlns:sonus="http://www.sonusnet.com/siprec/calldata">
              <sonus:fromUri>sip:6002@203.0.113.5</sonus:fromUri>
              <sonus:toUri>sip:6001@203.0.113.9</sonus:toUri>
              <sonus:callId>7d3f0e2a-ribbon-call@203.0.113.5</sonus:callId>
            </sonus:callData>
          </tns:group>
          <tns:session session_id="cmliYm9uLXNlc3Npb24=">
            <tns:group-ref>cmliYm9uLWdyb3Vw</tns:group-ref>
          </tns:session>
          <tns:participant participant_id="cmliYm9uLXAx"><tns:nameID aor="6001@203.0.113.9"><tns:name>Carol Callee</tns:name></tns:nameID></tns:participant>
          <tns:participant participant_id="cmliYm9uLXAy"><tns:nameID aor="6002@203.0.113.5"><tns:name>Dave Caller</tns:name></tns:nameID></tns:participant>
          <tns:stream stream_id="cmliYm9uLXMx" session_id="cmliYm9uLXNlc3Npb24="><tns:label>1</tns:label></tns:stream>
          <tns:stream stream_id="cmliYm9uLXMy" session_id="cmliYm9uLXNlc3Npb24="><tns:label>2</tns:label></tns:stream>
          <tns:participantstreamassoc participant_id="cmliYm9uLXAx"><tns:send>cmliYm9uLXMx</tns:send></tns:participantstreamassoc>
          <tns:participantstreamassoc participant_id="cmliYm9uLXAy"><tns:send>cmliYm9uLXMy</tns:send></tns:participantstreamassoc>
        </tns:recording>
        """;

    /// <summary>AudioCodes: standard XML (sent as the legacy <c>application/rs-metadata</c>).</summary>
    public const string AudioCodes = """
        <?xml version="1.0" encoding="UTF-8"?>
        <recording xmlns='urn:ietf:params:xml:ns:recording:1'>
          <datamode>complete</datamode>
          <session session_id="YWMtc2Vzc2lvbg=="><start-time>2026-01-10T09:15:00Z</start-time></session>
          <participant participant_id="YWMtcDE="><nameID aor="sip:7001@10.1.1.1"><name>Erin</name></nameID></participant>
          <participant participant_id="YWMtcDI="><nameID aor="sip:7002@10.1.1.2"><name>Frank</name></nameID></participant>
          <stream stream_id="YWMtczE=" session_id="YWMtc2Vzc2lvbg=="><label>1</label></stream>
          <stream stream_id="YWMtczI=" session_id="YWMtc2Vzc2lvbg=="><label>2</label></stream>
          <participantstreamassoc participant_id="YWMtcDE="><send>YWMtczE=</send><recv>YWMtczI=</recv></participantstreamassoc>
          <participantstreamassoc participant_id="YWMtcDI="><send>YWMtczI=</send><recv>YWMtczE=</recv></participantstreamassoc>
        </recording>
        """;

    /// <summary>Avaya SBC: labels 10 and 20.</summary>
    public const string Avaya = """
        <?xml version="1.0" encoding="UTF-8"?>
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <session session_id="YXYtcw=="/>
          <participant participant_id="YXYtcDE="><nameID aor="sip:8001@avaya.example"/></participant>
          <participant participant_id="YXYtcDI="><nameID aor="sip:8002@avaya.example"/></participant>
          <stream stream_id="YXYtczEw" session_id="YXYtcw=="><label>10</label></stream>
          <stream stream_id="YXYtczIw" session_id="YXYtcw=="><label>20</label></stream>
          <participantstreamassoc participant_id="YXYtcDE="><send>YXYtczEw</send></participantstreamassoc>
          <participantstreamassoc participant_id="YXYtcDI="><send>YXYtczIw</send></participantstreamassoc>
        </recording>
        """;

    /// <summary>OpenSIPS (older): participants only, no stream and no participantstreamassoc.</summary>
    public const string OpenSipsOld = """
        <?xml version="1.0" encoding="UTF-8"?>
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <datamode>complete</datamode>
          <session session_id="b3Mtcw=="/>
          <participant participant_id="b3MtcDE="><nameID aor="sip:9001@opensips.example"/></participant>
          <participant participant_id="b3MtcDI="><nameID aor="sip:9002@opensips.example"/></participant>
        </recording>
        """;

    /// <summary>The two-m-line SDP of PROTOCOL.md §3.3 with the given labels.</summary>
    public static string Sdp(params string[] labels)
    {
        var sdp = "v=0\r\no=SRC 5146 1045 IN IP4 127.0.0.1\r\ns=SIP Call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
        for (var i = 0; i < labels.Length; i++)
        {
            sdp += $"m=audio {8278 + (2 * i)} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendonly\r\na=label:{labels[i]}\r\n";
        }

        return sdp;
    }
}
