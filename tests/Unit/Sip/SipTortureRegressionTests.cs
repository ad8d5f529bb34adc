using System.Text;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>Torture messages in the spirit of RFC 4475 (written for this project, not copied from the RFC).</summary>
public sealed class SipTortureRegressionTests
{
    private const int Max = 65535;

    [Fact]
    public void WideRangeOfValidSyntax()
    {
        // Unusual whitespace, escaped URI, unknown headers, LWS inside values, an unknown method, folding with tabs.
        var text =
            "NEWMETHOD sip:vivekg%40chair-dnrc.example.com;unknownparam@example.com:5070;x-flag SIP/2.0\r\n" +
            "TO :\r\n" +
            " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n" +
            "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n" +
            "  ;\r\n" +
            "  tag = 98asjd8\r\n" +
            "MaX-fOrWaRdS: 0068\r\n" +
            "Call-ID: wsinv.ndaksdj@192.0.2.1\r\n" +
            "Content-Length   : 0\r\n" +
            "cseq: 0009\r\n" +
            "  NEWMETHOD\r\n" +
            "Via  : SIP  /   2.0\r\n" +
            " /UDP\r\n" +
            "    192.0.2.2;rport;branch=z9hG4bKkdjuw2349i\r\n" +
            "v:  SIP/2.0/TCP     spindle.example.com   ;\r\n" +
            "  branch  =   z9hG4bK9ikj8  ,\r\n" +
            " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n" +
            " z9hG4bK30239\r\n" +
            "NewFangledHeader:   newfangled value\r\n" +
            " continued newfangled value\r\n" +
            "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n" +
            "\r\n";

        var request = Assert.IsType<SipRequest>(SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max));

        Assert.Equal("NEWMETHOD", request.Method);
        Assert.Equal("vivekg@chair-dnrc.example.com;unknownparam", request.RequestUri.User);
        Assert.Equal(5070, request.RequestUri.Port);
        Assert.True(request.RequestUri.HasParameter("x-flag"));
        Assert.Equal("1918181833n", request.To.Tag);
        Assert.Equal("J Rosenberg \\\"", request.From.DisplayName);
        Assert.Equal("98asjd8", request.From.Tag);
        Assert.Equal(new CSeqHeader(9, "NEWMETHOD"), request.CSeq);
        Assert.Equal("0068", request.Headers.GetFirst("Max-Forwards"));
        Assert.Equal(["z9hG4bKkdjuw2349i", "z9hG4bK9ikj8", "z9hG4bK30239"], request.Vias.Select(v => v.Branch));
        Assert.Equal(["UDP", "TCP", "UDP"], request.Vias.Select(v => v.Transport));
        Assert.Equal("192.168.255.111", request.Vias[2].Host);
        Assert.Equal("newfangled value continued newfangled value", request.Headers.GetFirst("newfangledheader"));
        Assert.Equal(";;,,;;,;", request.Headers.GetFirst("UnknownHeaderWithUnusualValue"));

        var again = SipMessageParser.Parse(SipMessageWriter.ToArray(request), Max);
        Assert.Equal(SipMessageParserTests.Describe(request), SipMessageParserTests.Describe(again));
    }

    [Fact]
    public void LongValuesParse()
    {
        var longToken = new string('x', 4000);
        var text =
            $"INVITE sip:{longToken}@example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK" + longToken + "\r\n" +
            string.Concat(Enumerable.Range(0, 40).Select(i => $"Via: SIP/2.0/UDP relay{i}.example.com;branch=z9hG4bK{i}\r\n")) +
            "From: <sip:a@example.com>;tag=" + longToken + "\r\n" +
            "To: <sip:b@example.com>\r\n" +
            $"Call-ID: {longToken}\r\n" +
            "CSeq: 1 INVITE\r\n" +
            $"X-Long: {longToken}\r\n" +
            "Content-Length: 0\r\n\r\n";

        var request = (SipRequest)SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max);
        Assert.Equal(longToken, request.RequestUri.User);
        Assert.Equal(41, request.Vias.Count);
        Assert.Equal(longToken, request.From.Tag);
        Assert.Equal(longToken, request.CallId);
    }

    [Fact]
    public void MethodsAreCaseSensitive()
    {
        var text = SipTestMessages.Options("z9hG4bK1")
            .Replace("OPTIONS sip", "options sip", StringComparison.Ordinal)
            .Replace("1 OPTIONS", "1 options", StringComparison.Ordinal);
        var request = (SipRequest)SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max);
        Assert.Equal("options", request.Method);

        var mismatched = SipTestMessages.Options("z9hG4bK1").Replace("1 OPTIONS", "1 options", StringComparison.Ordinal);
        Assert.Equal(400, Assert.Throws<SipParseException>(() => SipMessageParser.Parse(Encoding.UTF8.GetBytes(mismatched), Max)).StatusCode);
    }

    [Fact]
    public void EscapedNullInUserPartIsDecoded()
    {
        var text = SipTestMessages.Options("z9hG4bK1").Replace("sip:rec@", "sip:%00re%63@", StringComparison.Ordinal);
        var request = (SipRequest)SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max);
        Assert.Equal("\0rec", request.RequestUri.User);
        Assert.Equal("sip:%00re%63@127.0.0.1", request.RequestUri.ToString());
    }

    [Theory]
    [InlineData("OPTIONS sip:user@example.com; lr SIP/2.0")]
    [InlineData("OPTIONS sip:user@example.com SIP/2.0 extra")]
    public void MalformedRequestLinesAreRejectedAndCannotBeAnswered(string requestLine)
    {
        var text = requestLine + SipTestMessages.Options("z9hG4bK1")[SipTestMessages.Options("z9hG4bK1").IndexOf("\r\n", StringComparison.Ordinal)..];
        var ex = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max));
        Assert.Equal(400, ex.StatusCode);
        Assert.False(ex.CanRespond);
    }

    [Fact]
    public void BadRequestUriIsRejectedButAnswerable()
    {
        // The request line has its three parts, so the request can be answered 400 (RFC 4475 §3.1.2.x spirit).
        var text = SipTestMessages.Options("z9hG4bK1").Replace("sip:rec@127.0.0.1 ", "<sip:rec@127.0.0.1> ", StringComparison.Ordinal);
        var ex = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("Request-URI", ex.Field);
        Assert.True(ex.CanRespond);
    }

    [Fact]
    public void ContinuationLineBeforeAnyHeaderIsRejectedButAnswerable()
    {
        var options = SipTestMessages.Options("z9hG4bK1");
        var firstBreak = options.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var text = options[..firstBreak] + " orphan continuation\r\n" + options[firstBreak..];
        var ex = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(Encoding.UTF8.GetBytes(text), Max));
        Assert.Equal(400, ex.StatusCode);
        Assert.True(ex.CanRespond);
    }
}
