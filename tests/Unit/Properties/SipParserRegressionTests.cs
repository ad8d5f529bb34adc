using System.Buffers;
using System.Text;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>Inputs found by fuzzing (AFL++ via tests/Fuzz/run.sh, and the CsCheck properties), kept as regression tests.</summary>
public sealed class SipParserRegressionTests
{
    private const int Max = 8192;

    private const string ResponseTail =
        "From: <sip:a@10.0.0.1>;tag=1\r\n" +
        "To: <sip:b@10.0.0.2>;tag=2\r\n" +
        "Call-ID: resp-1@10.0.0.1\r\n" +
        "CSeq: 7 OPTIONS\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    /// <summary>
    /// AFL sip crash id 000000: a bare LF (after two high bytes) ended the status line early. The parser split lines on
    /// CRLF only, so the LF and the next header line became part of the reason phrase; the message was accepted and the
    /// writer then threw ArgumentException ("cannot contain CR or LF") on it.
    /// </summary>
    [Fact]
    public void BareLfInTheStatusLineIsRejected() => AssertRejected(
        "SIP/2.0 200 O\u007f\u00ff\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;received=10.0.0.9;rport=5070\r\n" + ResponseTail);

    /// <summary>AFL sip crash id 000001 (reduced): a bare CR followed by a control byte in the status line.</summary>
    [Fact]
    public void BareCrInTheStatusLineIsRejected() => AssertRejected(
        "SIP/2.0 200 OK\r\u0016Vi`:0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc\r\n" + ResponseTail);

    /// <summary>The request-line variant: SipUri.Parse trimmed the bare CR away, silently accepting a malformed line.</summary>
    [Fact]
    public void BareCrInTheRequestLineIsRejected() => AssertRejected(
        "OPTIONS sip:rec@10.0.0.2\r SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc\r\n" + ResponseTail);

    private static void AssertRejected(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var datagram = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(bytes, Max));
        Assert.Equal(400, datagram.StatusCode);
        Assert.Equal("start-line", datagram.Field);
        Assert.False(datagram.CanRespond);

        var stream = Assert.Throws<SipParseException>(() =>
            SipMessageParser.TryParse(new ReadOnlySequence<byte>(bytes), false, Max, out _, out _));
        Assert.Equal(400, stream.StatusCode);
    }
}
