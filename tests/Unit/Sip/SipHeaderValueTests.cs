using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

public sealed class SipHeaderValueTests
{
    [Theory]
    [InlineData("sip:alice@example.com")]
    [InlineData("sips:alice:secret@example.com:5061;transport=tls")]
    [InlineData("sip:[2001:db8::1]:5070;lr")]
    [InlineData("sip:%61lice@example.com;x-flag;maddr=10.0.0.1?subject=hi")]
    [InlineData("tel:+1-201-555-0123;phone-context=example.com")]
    [InlineData("sip:example.com")]
    public void UriToStringRoundTrips(string text) => Assert.Equal(text, SipUri.Parse(text).ToString());

    [Fact]
    public void UriPartsAreExposed()
    {
        var uri = SipUri.Parse("sip:%61l%69ce@[2001:db8::1]:5070;transport=TCP;x-nearend");
        Assert.Equal("sip", uri.Scheme);
        Assert.Equal("alice", uri.User);
        Assert.Equal("[2001:db8::1]", uri.Host);
        Assert.Equal(5070, uri.Port);
        Assert.Equal("TCP", uri.GetParameter("Transport"));
        Assert.True(uri.HasParameter("X-NEAREND"));
        Assert.Null(uri.GetParameter("x-nearend"));
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("sip:alice@exa mple.com")]
    [InlineData("sip:alice@example.com:99999")]
    [InlineData("sip:alice@[::1")]
    [InlineData("sip:al%zzce@example.com")]
    [InlineData("sip:alice@example.com;")]
    public void InvalidUrisAreRejected(string text)
    {
        Assert.False(SipUri.TryParse(text, out _));
        Assert.Equal(400, Assert.Throws<SipParseException>(() => SipUri.Parse(text)).StatusCode);
    }

    [Fact]
    public void UnknownSchemeIs416()
    {
        Assert.Equal(416, Assert.Throws<SipParseException>(() => SipUri.Parse("http://example.com/")).StatusCode);
    }

    [Fact]
    public void UriBuiltFromPartsEscapesTheUser()
    {
        var uri = new SipUri("sip", "a b", "example.com", 5060);
        Assert.Equal("sip:a%20b@example.com:5060", uri.ToString());
        Assert.Equal("a b", SipUri.Parse(uri.ToString()).User);
    }

    [Fact]
    public void NameAddressWithQuotedDisplayNameAndTag()
    {
        var value = NameAddress.Parse("\"Bob \\\"B\\\" <x>\" <sip:bob@example.com;transport=udp>;tag=abc;x=1");
        Assert.Equal("Bob \"B\" <x>", value.DisplayName);
        Assert.Equal("udp", value.Uri.GetParameter("transport"));
        Assert.Equal("abc", value.Tag);
        Assert.Equal("1", value.GetParameter("X"));
        Assert.Equal(value.ToString(), NameAddress.Parse(value.ToString()).ToString());
    }

    [Fact]
    public void AddrSpecParametersBelongToTheHeader()
    {
        // RFC 3261 §20.10: without angle brackets, parameters after the URI are header parameters.
        var value = NameAddress.Parse("sip:bob@example.com;tag=xyz");
        Assert.Null(value.DisplayName);
        Assert.Empty(value.Uri.Parameters);
        Assert.Equal("xyz", value.Tag);
        Assert.Equal("<sip:bob@example.com>;tag=xyz", value.ToString());
    }

    [Fact]
    public void UnquotedDisplayNameIsKept()
    {
        var value = NameAddress.Parse("Bob Smith <sip:bob@example.com>");
        Assert.Equal("Bob Smith", value.DisplayName);
    }

    [Fact]
    public void WithTagAddsOrReplacesTheTag()
    {
        var to = NameAddress.Parse("<sip:7878@10.48.38.30>");
        Assert.Equal("<sip:7878@10.48.38.30>;tag=t1", to.WithTag("t1").ToString());
        Assert.Equal("<sip:7878@10.48.38.30>;tag=t2", to.WithTag("t1").WithTag("t2").ToString());
    }

    [Fact]
    public void ViaPartsAreParsed()
    {
        var via = ViaHeader.Parse("SIP / 2.0 / udp 10.0.0.1:5070 ;branch=z9hG4bK776;rport;received=1.2.3.4");
        Assert.Equal("SIP/2.0", via.Protocol);
        Assert.Equal("UDP", via.Transport);
        Assert.Equal("10.0.0.1", via.Host);
        Assert.Equal(5070, via.Port);
        Assert.Equal("z9hG4bK776", via.Branch);
        Assert.True(via.HasRport);
        Assert.Null(via.Rport);
        Assert.Equal("1.2.3.4", via.Received);
        Assert.Equal("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK776;rport;received=1.2.3.4", via.ToString());

        var filled = via.WithParameter("rport", "5071");
        Assert.Equal(5071, filled.Rport);
        Assert.Equal("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK776;rport=5071;received=1.2.3.4", filled.ToString());
    }

    [Fact]
    public void ViaLineWithSeveralValuesIsSplit()
    {
        var vias = ViaHeader.ParseAll("SIP/2.0/TCP [::1]:5060;branch=z9hG4bKa,SIP/2.0/UDP host.example;branch=z9hG4bKb");
        Assert.Equal(2, vias.Count);
        Assert.Equal("[::1]", vias[0].Host);
        Assert.Equal("host.example", vias[1].Host);
        Assert.Null(vias[1].Port);
    }

    [Theory]
    [InlineData("101 INVITE", 101u, "INVITE")]
    [InlineData("  0   ACK ", 0u, "ACK")]
    [InlineData("2147483647 BYE", 2147483647u, "BYE")]
    public void CSeqParses(string text, uint number, string method) =>
        Assert.Equal(new CSeqHeader(number, method), CSeqHeader.Parse(text));

    [Theory]
    [InlineData("INVITE")]
    [InlineData("2147483648 INVITE")]
    [InlineData("-1 INVITE")]
    [InlineData("1 IN<VITE")]
    public void BadCSeqIs400(string text) =>
        Assert.Equal(400, Assert.Throws<SipParseException>(() => CSeqHeader.Parse(text)).StatusCode);

    [Fact]
    public void HeadersAreCanonicalizedAndLookedUpCaseInsensitively()
    {
        var headers = new SipHeaders();
        headers.Add("i", "c1");
        headers.Add("CALL-ID", "c2");
        headers.Add("www-authenticate", "Digest");
        headers.Add("cseq", "1 INVITE");
        headers.Add("X-Custom", "v");

        Assert.Equal(["Call-ID", "Call-ID", "WWW-Authenticate", "CSeq", "X-Custom"], headers.Select(h => h.Name));
        Assert.Equal(["c1", "c2"], headers.GetAll("call-id"));
        Assert.Equal("v", headers.GetFirst("x-custom"));

        headers.Set("Call-ID", "c3");
        Assert.Equal(["Call-ID", "WWW-Authenticate", "CSeq", "X-Custom"], headers.Select(h => h.Name));
        Assert.Equal("c3", headers.GetFirst("i"));
        Assert.True(headers.Remove("x-custom"));
        Assert.False(headers.Remove("x-custom"));
        Assert.Equal(3, headers.Count);
    }

    [Fact]
    public void ResponseCopiesViasFromToCallIdAndCSeq()
    {
        var request = (SipRequest)SipMessageParser.Parse(SipTestMessages.Bytes(SipTestMessages.FoldedCompact), 65535);
        var response = SipResponse.CreateFor(request, 486);

        Assert.Equal("Busy Here", response.ReasonPhrase);
        Assert.Equal(["z9hG4bKfold1", "z9hG4bKfold2"], response.Vias.Select(v => v.Branch));
        Assert.Equal(request.CallId, response.CallId);
        Assert.Equal(request.CSeq, response.CSeq);
        Assert.Equal("folded", response.From.Tag);
        Assert.Null(response.To.Tag);
        Assert.Equal("rec-tag", response.WithToTag("rec-tag").To.Tag);
        Assert.Null(response.To.Tag);
    }

    [Fact]
    public void WriterRejectsHeaderInjection()
    {
        var response = new SipResponse(200);
        response.Headers.Add("X-Evil", "a\r\nVia: injected");
        Assert.Throws<ArgumentException>(() => SipMessageWriter.ToArray(response));
    }

    [Fact]
    public void WriterReplacesContentLengthWithTheRealBodyLength()
    {
        var request = new SipRequest("MESSAGE", SipUri.Parse("sip:a@b"), body: "hello"u8.ToArray());
        request.Headers.Add("Content-Length", "999");
        var text = System.Text.Encoding.UTF8.GetString(SipMessageWriter.ToArray(request));
        Assert.Equal("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhello", text);
    }
}
