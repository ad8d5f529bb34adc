using System.Net;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// The parser's header lines kept as ranges of the head text, and the typed views kept with each line: what a reader
/// sees must be what the parser of one string per line gave (values, names, order, errors), and a view must follow its
/// line when the line is set or replaced.
/// </summary>
public sealed class SipHeaderLinesTests
{
    private const int Max = 65535;

    /// <summary>RFC 3261 §7.3.1: the value is what follows the colon, leading and trailing white space not part of it.</summary>
    [Fact]
    public void ValuesAreTheTextAfterTheColonWithoutSurroundingWhiteSpace()
    {
        var request = Parse(SipTestMessages.Options("z9hG4bK1")
            .Replace("Max-Forwards: 70\r\n", "Max-Forwards:\t 70 \t\r\nSubject:\r\nX-Empty:   \r\nOrganization :  a  b  \r\n",
                StringComparison.Ordinal));

        Assert.Equal("70", request.Headers.GetFirst("Max-Forwards"));
        Assert.Equal(string.Empty, request.Headers.GetFirst("Subject"));
        Assert.Equal(string.Empty, request.Headers.GetFirst("X-Empty"));
        Assert.Equal("a  b", request.Headers.GetFirst("Organization"));
    }

    /// <summary>RFC 3261 §7.3.1: a folded value is unfolded to one SP; the lines around it keep their own values.</summary>
    [Fact]
    public void AFoldedValueUnfoldsWithoutTouchingItsNeighbours()
    {
        var request = Parse(SipTestMessages.Options("z9hG4bK1")
            .Replace("Max-Forwards: 70\r\n", "User-Agent: x\r\nSubject:  first \r\n \t second\r\n\tthird \r\nServer: y\r\nMax-Forwards: 70\r\n",
                StringComparison.Ordinal));

        Assert.Equal("x", request.Headers.GetFirst("User-Agent"));
        Assert.Equal("first second third", request.Headers.GetFirst("Subject"));
        Assert.Equal("y", request.Headers.GetFirst("Server"));
        Assert.Equal(
            ["Via", "From", "To", "Call-ID", "CSeq", "User-Agent", "Subject", "Server", "Max-Forwards", "Content-Length"],
            request.Headers.Select(h => h.Name));
    }

    /// <summary>
    /// RFC 3261 §7.3.3 compact forms are expanded and §7.3.1 names compare case-insensitively, so well-known names take
    /// their RFC spelling; a name the recorder does not know keeps the spelling it came with.
    /// </summary>
    [Fact]
    public void NamesAreCanonicalAndUnknownNamesKeepTheirSpelling()
    {
        var text = SipTestMessages.Options("z9hG4bK1")
            .Replace("Via:", "v:", StringComparison.Ordinal)
            .Replace("Call-ID:", "cAlL-iD:", StringComparison.Ordinal)
            .Replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Cisco-Thing: 1\r\nS: hello\r\n", StringComparison.Ordinal);

        var request = Parse(text);

        Assert.Equal(
            ["Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "X-Cisco-Thing", "Subject", "Content-Length"],
            request.Headers.Select(h => h.Name));
        Assert.Equal("opt-1@127.0.0.1", request.CallId);
        Assert.Equal("1", request.Headers.GetFirst("x-cisco-thing"));
        Assert.Equal("hello", request.Headers.GetFirst("subject"));
    }

    /// <summary>RFC 3261 §20.20/§20.39: From and To are read by several layers; one parse serves them, and a set line is read anew.</summary>
    [Fact]
    public void TypedViewsAreKeptWithTheLineAndFollowItWhenSet()
    {
        var request = Parse(SipTestMessages.Options("z9hG4bK1"));
        var from = request.From;

        Assert.Same(from, request.From);
        Assert.Equal("f1", from.Tag);
        Assert.Same(request.TopVia, request.TopVia);

        request.Headers.Set(SipHeaderNames.From, "<sip:ping@127.0.0.1>;tag=f2");
        Assert.Equal("f2", request.From.Tag);

        request.Headers.ReplaceFirst(SipHeaderNames.Via, "SIP/2.0/TCP 10.0.0.7:5070;branch=z9hG4bKnew");
        Assert.Equal("z9hG4bKnew", request.TopVia.Branch);
        Assert.Equal("10.0.0.7:5070", request.TopVia.SentBy);
    }

    /// <summary>
    /// RFC 3261 §8.2.6.2: the response copies every Via in order, From, To, Call-ID and CSeq; its To tag is its own
    /// (the request's To is not changed by it).
    /// </summary>
    [Fact]
    public void AResponseCopiesTheRequestLinesAndItsToTagStaysItsOwn()
    {
        var request = Parse(SipTestMessages.Options("z9hG4bK1", extraVia: "\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2, SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3"));

        var response = SipResponse.CreateFor(request, 200).WithToTag("rec-1");

        Assert.Equal(["z9hG4bK1", "z9hG4bK2", "z9hG4bK3"], response.Vias.Select(v => v.Branch));
        Assert.Equal(["Via", "Via", "From", "To", "Call-ID", "CSeq"], response.Headers.Select(h => h.Name));
        Assert.Equal("f1", response.From.Tag);
        Assert.Equal("rec-1", response.To.Tag);
        Assert.Null(request.To.Tag);
        Assert.Equal(new CSeqHeader(1, "OPTIONS"), response.CSeq);
        Assert.Equal(request.CallId, response.CallId);
    }

    /// <summary>RFC 3261 §7.1: the request line's parts are separated by SP (runs of it tolerated); a tab is no separator.</summary>
    [Fact]
    public void RequestLinePartsAreSeparatedBySpacesOnly()
    {
        var spaced = Parse(SipTestMessages.Options("z9hG4bK1").Replace("OPTIONS sip:rec@127.0.0.1 SIP/2.0", "OPTIONS   sip:rec@127.0.0.1  SIP/2.0  ", StringComparison.Ordinal));
        Assert.Equal("OPTIONS", spaced.Method);
        Assert.Equal("sip:rec@127.0.0.1", spaced.RequestUri.ToString());

        var tabbed = Assert.Throws<SipParseException>(() => Parse(
            SipTestMessages.Options("z9hG4bK1").Replace("OPTIONS sip:", "OPTIONS\tsip:", StringComparison.Ordinal)));
        Assert.Equal(400, tabbed.StatusCode);
        Assert.Equal("Request-Line", tabbed.Field);
        Assert.False(tabbed.CanRespond);
    }

    /// <summary>
    /// RFC 3261 §7.1: methods are case-sensitive, so "options" is an extension method of its own (not OPTIONS), and
    /// §8.1.1.5 holds the CSeq method to it exactly.
    /// </summary>
    [Fact]
    public void MethodsAreCaseSensitive()
    {
        var lower = Parse(SipTestMessages.Options("z9hG4bK1").Replace("OPTIONS", "options", StringComparison.Ordinal));
        Assert.Equal("options", lower.Method);
        Assert.Equal("options", lower.CSeq.Method);

        var mismatch = Assert.Throws<SipParseException>(() => Parse(
            SipTestMessages.Options("z9hG4bK1").Replace("CSeq: 1 OPTIONS", "CSeq: 1 options", StringComparison.Ordinal)));
        Assert.Equal(SipHeaderNames.CSeq, mismatch.Field);
        Assert.True(mismatch.CanRespond);
    }

    /// <summary>RFC 3261 §7.2/§21: the reason phrase is free text kept as received, the usual one or not.</summary>
    [Theory]
    [InlineData("SIP/2.0 200 OK", "OK")]
    [InlineData("SIP/2.0 200 Fine thanks", "Fine thanks")]
    [InlineData("SIP/2.0 200 ok", "ok")]
    [InlineData("SIP/2.0 200", "")]
    public void ReasonPhrasesAreKeptAsReceived(string statusLine, string reason)
    {
        var response = Assert.IsType<SipResponse>(SipMessageParser.Parse(
            SipTestMessages.Bytes(SipTestMessages.Response.Replace("SIP/2.0 200 OK", statusLine, StringComparison.Ordinal)), Max));
        Assert.Equal(reason, response.ReasonPhrase);
    }

    /// <summary>
    /// RFC 3986 §3.1 (which RFC 3261 §19.1 builds on): a scheme compares case-insensitively, as ASCII; a non-ASCII
    /// letter that merely case-folds to one ('ſ' to 's') leaves a scheme that is no token (RFC 3261 §25.1), a 400.
    /// </summary>
    [Theory]
    [InlineData("SIP:Alice@Example.com", "sip")]
    [InlineData("Sips:alice@example.com", "sips")]
    [InlineData("TEL:+15550123", "tel")]
    public void SchemesCompareCaseInsensitively(string text, string scheme) => Assert.Equal(scheme, SipUri.Parse(text).Scheme);

    [Fact]
    public void ANonAsciiLookAlikeSchemeIsNoToken()
    {
        var ex = Assert.Throws<SipParseException>(() => SipUri.Parse("\u017Fip:alice@example.com"));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid scheme", ex.Detail);
    }

    /// <summary>RFC 3261 §7.3.1/§20.42: a Via line holds several values separated by commas, a quoted comma being no separator.</summary>
    [Fact]
    public void AViaLineSplitsOnUnquotedCommasOnly()
    {
        var values = ViaHeader.ParseLine("SIP/2.0/UDP a.example;branch=z9hG4bK1;x=\"p,q\" , SIP/2.0/TCP b.example:5070;branch=z9hG4bK2");

        Assert.Equal(["a.example", "b.example"], values.Select(v => v.Host));
        Assert.Equal("\"p,q\"", values[0].GetParameter("x"));
        Assert.Equal(5070, values[1].Port);
        Assert.Equal(400, Assert.Throws<SipParseException>(() => ViaHeader.ParseLine("SIP/2.0/UDP a.example,")).StatusCode);
    }

    /// <summary>
    /// RFC 3261 §18.2.1: a top Via whose sent-by differs from the packet's source gets <c>received</c>; RFC 3581 §4: an
    /// empty <c>rport</c> is filled with the source port (and <c>received</c> added). The line's other values stay as they were.
    /// </summary>
    [Fact]
    public void StampingRewritesOnlyTheTopValueOfTheTopLine()
    {
        var request = Parse(SipTestMessages.Options("z9hG4bK1", sentBy: "host.example:5999",
            extraVia: ";rport, SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3"));

        var stamped = SipViaStamping.Stamp(request.Headers, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000));

        Assert.Equal("192.0.2.7", stamped.Received);
        Assert.Equal(40000, stamped.Rport);
        Assert.Equal(
            "SIP/2.0/UDP host.example:5999;branch=z9hG4bK1;rport=40000;received=192.0.2.7, SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3",
            request.Headers.GetFirst(SipHeaderNames.Via));
        Assert.Equal(["z9hG4bK1", "z9hG4bK3"], request.Vias.Select(v => v.Branch));
        Assert.Equal("192.0.2.7", request.TopVia.Received);
    }

    private static SipRequest Parse(string text) =>
        Assert.IsType<SipRequest>(SipMessageParser.Parse(SipTestMessages.Bytes(text), Max));
}
