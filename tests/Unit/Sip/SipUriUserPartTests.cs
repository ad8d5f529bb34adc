using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// Where the user part of a SIP URI ends (RFC 3261 §19.1.1, grammar in §25.1): at the '@' before the host, which is
/// neither the last '@' (a trunk may put one unescaped in a parameter) nor the first ';' or '?' (both are legal in the
/// user part, <c>user-unreserved</c>). Issue 19, finding 9: an '@' in a From-URI parameter made the INVITE a 400.
/// </summary>
public sealed class SipUriUserPartTests
{
    [Fact]
    public void AnUnescapedAtInAUriParameterIsKeptAsTheParameterValue_Rfc3261_19_1_1()
    {
        var uri = SipUri.Parse("sip:1001@10.0.0.1;x-nearenddevice=ab@cd;x-refci=1");

        Assert.Equal("1001", uri.User);
        Assert.Equal("10.0.0.1", uri.Host);
        Assert.Equal("ab@cd", uri.GetParameter("x-nearenddevice"));
        Assert.Equal("1", uri.GetParameter("x-refci"));
        Assert.NotNull(uri.Irregularity);
        Assert.Equal("sip:1001@10.0.0.1;x-nearenddevice=ab@cd;x-refci=1", uri.ToString());
    }

    [Theory]
    // What the host would be if the last '@' ended the user part: not a host name at all, so the old parser said 400.
    [InlineData("sip:1001@10.0.0.1;x-nearenddevice=SEP_1@cluster_a", "x-nearenddevice", "SEP_1@cluster_a")]
    [InlineData("sip:1001@10.0.0.1:5060;x-nearenddevice=a@b:c;transport=tcp", "x-nearenddevice", "a@b:c")]
    [InlineData("sips:1001@[2001:db8::1]:5061;x-dev=x@y;lr", "x-dev", "x@y")]
    public void TheUserEndsAtTheAtBeforeTheHost_Rfc3261_19_1_1(string text, string parameter, string value)
    {
        var uri = SipUri.Parse(text);

        Assert.Equal("1001", uri.User);
        Assert.Equal(value, uri.GetParameter(parameter));
        Assert.NotNull(uri.Irregularity);
    }

    [Fact]
    public void AnUnescapedAtInAUriHeaderIsTolerated_Rfc3261_19_1_1()
    {
        var uri = SipUri.Parse("sip:alice@example.com;transport=tcp?subject=mail@home");

        Assert.Equal("alice", uri.User);
        Assert.Equal("example.com", uri.Host);
        Assert.Equal("tcp", uri.GetParameter("transport"));
        Assert.Equal("sip:alice@example.com;transport=tcp?subject=mail@home", uri.ToString());
    }

    [Fact]
    public void ASemicolonInTheUserPartIsPartOfTheUser_Rfc3261_25_1_UserUnreserved()
    {
        // §19.1.6's own example of a user with ';' (telephone-subscriber style), and a parameter with '@' after it.
        var uri = SipUri.Parse("sip:alice;day=tuesday@atlanta.com;x-dev=a@b");

        Assert.Equal("alice;day=tuesday", uri.User);
        Assert.Equal("atlanta.com", uri.Host);
        Assert.Equal("a@b", uri.GetParameter("x-dev"));
        Assert.False(uri.HasParameter("day"));
    }

    [Fact]
    public void ALegalUserWithSemicolonIsNotAnIrregularity_Rfc3261_25_1()
    {
        var uri = SipUri.Parse("sip:+1-212-555-1212:1234@gateway.com;user=phone");
        Assert.Equal("+1-212-555-1212", uri.User);
        Assert.Equal("phone", uri.GetParameter("user"));
        Assert.Null(uri.Irregularity);

        var semi = SipUri.Parse("sip:alice;day=tuesday@atlanta.com");
        Assert.Equal("alice;day=tuesday", semi.User);
        Assert.Null(semi.Irregularity);
    }

    [Fact]
    public void AQuestionMarkInTheUserPartIsPartOfTheUser_Rfc3261_25_1_UserUnreserved()
    {
        var uri = SipUri.Parse("sip:who?me@example.com;transport=udp?subject=x");

        Assert.Equal("who?me", uri.User);
        Assert.Equal("example.com", uri.Host);
        Assert.Equal("udp", uri.GetParameter("transport"));
        Assert.Equal("sip:who?me@example.com;transport=udp?subject=x", uri.ToString());
    }

    [Fact]
    public void AnAtInsideTheUserPartStillEndsAtTheLastAtBeforeAValidHost_Rfc3261_19_1_1()
    {
        // An e-mail-like user sent unescaped: the first '@' is not followed by a host, so the user runs to the next.
        var uri = SipUri.Parse("sip:john@example.com@10.0.0.1;transport=tcp");

        Assert.Equal("john@example.com", uri.User);
        Assert.Equal("10.0.0.1", uri.Host);
    }

    [Theory]
    [InlineData("sip:alice@exa_mple.com;x=a@b_c")]
    [InlineData("sip:alice@;x=a@b_c")]
    public void WithNoValidHostAfterAnyAtTheUriIsStillA400(string text)
    {
        Assert.Equal(400, Assert.Throws<SipParseException>(() => SipUri.Parse(text)).StatusCode);
    }

    [Fact]
    public void ANameAddrWithAnAtInAUriParameterParses_Rfc3261_20_20()
    {
        var from = NameAddress.Parse("\"Agent\" <sip:1001@10.0.0.1;x-nearenddevice=SEP_1@x_y;x-refci=7>;tag=99", "From");

        Assert.Equal("Agent", from.DisplayName);
        Assert.Equal("1001", from.Uri.User);
        Assert.Equal("10.0.0.1", from.Uri.Host);
        Assert.Equal("SEP_1@x_y", from.Uri.GetParameter("x-nearenddevice"));
        Assert.Equal("7", from.Uri.GetParameter("x-refci"));
        Assert.Equal("99", from.Tag);
    }

    [Fact]
    public void AnAddrSpecKeepsItsParametersAsHeaderParameters_Rfc3261_20()
    {
        // Without '<>' everything after the first ';' belongs to the header (§20.10), '@' or not.
        var from = NameAddress.Parse("sip:1001@10.0.0.1;x-nearenddevice=ab@cd;tag=5", "From");

        Assert.Equal("1001", from.Uri.User);
        Assert.Equal("10.0.0.1", from.Uri.Host);
        Assert.Equal("5", from.Tag);
    }

    [Fact]
    public void AnInviteWithAnAtInItsFromUriParameterParses_Rfc3261_19_1_1()
    {
        var text = SipTestMessages.CucmInvite.Replace("x-nearenddevice=SEP6C416A369525", "x-nearenddevice=SEP_6C@41_6A", StringComparison.Ordinal);
        Assert.NotEqual(SipTestMessages.CucmInvite, text);

        var request = Assert.IsType<SipRequest>(SipMessageParser.Parse(SipTestMessages.Bytes(text), 64 * 1024));

        Assert.Equal("1001", request.From.Uri.User);
        Assert.Equal("10.48.38.5", request.From.Uri.Host);
        Assert.Equal("SEP_6C@41_6A", request.From.Uri.GetParameter("x-nearenddevice"));
    }
}
