using System.Net;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>Dialogs on a secure trunk: sips: URIs and transport=tls map to TLS, our Contact says TLS, our BYE reuses CUCM's connection.</summary>
public sealed class DialogTlsTests
{
    private static readonly IPEndPoint CucmConnection = new(IPAddress.Loopback, 40123);

    [Theory]
    [InlineData("sip:1001@10.0.0.5:5061;transport=tls", "Udp", "Tls", 5061)]
    [InlineData("sip:1001@10.0.0.5;transport=TLS", "Tcp", "Tls", 5061)]
    [InlineData("sips:1001@10.0.0.5", "Tcp", "Tls", 5061)]
    [InlineData("sips:1001@10.0.0.5:5071", "Tls", "Tls", 5071)]
    [InlineData("sip:1001@10.0.0.5;transport=tcp", "Tls", "Tcp", 5060)]
    [InlineData("sip:1001@10.0.0.5", "Tls", "Tls", 5061)]
    [InlineData("sip:1001@10.0.0.5", "Udp", "Udp", 5060)]
    public void Rfc3261Section19_1_2_And26_2_2_TheNextHopOfSipsAndTransportTlsIsTlsOnPort5061ByDefault(
        string contact, string dialogTransport, string expected, int expectedPort)
    {
        var dialog = Dialog.ForInvite(Invite(contact), "ours1", CucmConnection, Enum.Parse<SipTransportKind>(dialogTransport));

        var target = dialog.NextHop();

        Assert.Equal(Enum.Parse<SipTransportKind>(expected), target.Transport);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), expectedPort), target.EndPoint);
    }

    [Fact]
    public void ADialogThatCameOverTlsSendsOnThePeersOwnConnectionFirst()
    {
        var dialog = Dialog.ForInvite(Invite("<sip:1001@10.0.0.5:5061;transport=tls>"), "ours1", CucmConnection, SipTransportKind.Tls);

        Assert.Equal(new SipTarget(SipTransportKind.Tls, new IPEndPoint(IPAddress.Parse("10.0.0.5"), 5061), CucmConnection), dialog.NextHop());
    }

    [Fact]
    public void Rfc3261Section26_2_1_ADialogThatCameOverTcpDoesNotReuseItsConnectionForATlsTarget()
    {
        var dialog = Dialog.ForInvite(Invite("<sips:1001@10.0.0.5>"), "ours1", CucmConnection, SipTransportKind.Tcp);

        Assert.Null(dialog.NextHop().Connection);
    }

    [Fact]
    public async Task Rfc3261Section12_1_1_OurContactOverTlsSaysTransportTlsAndOurByeGoesBackOverTls()
    {
        using var kit = new DialogTestKit(transport: SipTransportKind.Tls);
        await kit.ReceiveAsync(DialogTestKit.Invite().Replace("transport=udp", "transport=tls", StringComparison.Ordinal));
        var ok = kit.Sent.Single(s => s.Response.StatusCode == 200).Response;
        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", ok.To.Tag!, cseq: 101, branch: "z9hG4bKack1"));

        Assert.Equal("<sip:7878@127.0.0.9:5060;transport=tls>", ok.Headers.GetFirst("Contact"));

        Assert.True(await kit.Layer.HangUpAsync(kit.Layer.Find("leg-1@cucm")!, "media-timeout"));
        var (bye, target, _) = Assert.Single(kit.Client.Sent);
        Assert.Equal("BYE", bye.Method);
        Assert.Equal(SipTransportKind.Tls, target.Transport);
        Assert.Equal(DialogTestKit.Cucm, target.Connection);
    }

    [Fact]
    public async Task Rfc3261Section8_1_1_8_ASipsRequestUriGetsASipsContact()
    {
        using var kit = new DialogTestKit(transport: SipTransportKind.Tls);
        await kit.ReceiveAsync(DialogTestKit.Invite().Replace("INVITE sip:7878@127.0.0.9:5060", "INVITE sips:7878@127.0.0.9:5060", StringComparison.Ordinal));

        var ok = kit.Sent.Single(s => s.Response.StatusCode == 200).Response;
        Assert.Equal("<sips:7878@127.0.0.9:5060>", ok.Headers.GetFirst("Contact"));
    }

    private static SipRequest Invite(string contact) =>
        (SipRequest)SipMessageParser.Parse(SipTestMessages.Bytes(
            "INVITE sip:7878@127.0.0.9:5061 SIP/2.0\r\n" +
            "Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bKtls1\r\n" +
            "From: <sip:1001@10.0.0.5;x-nearend>;tag=cucm1\r\n" +
            "To: <sip:7878@127.0.0.9>\r\n" +
            "Call-ID: tls-leg@cucm\r\n" +
            "CSeq: 101 INVITE\r\n" +
            $"Contact: {(contact.StartsWith('<') ? contact : "<" + contact + ">")}\r\n" +
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"), 65535);
}
