using System.Net;
using OrleansRecorder.Silo.Sip.Dialogs;

namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>
/// The dialog layer against every kind of request in each dialog state, through fake SIP channels on a fake clock.
/// Each test names the RFC section of the rule it checks.
/// </summary>
public sealed class DialogLayerTests
{
    private static readonly IPEndPoint OtherSipp = new(IPAddress.Parse("127.0.0.1"), 5077);

    [Fact]
    public async Task Rfc3261Section12_1_1_The200ConfirmsTheDialogWithOurTagAndCopiesRecordRoute()
    {
        using var kit = new DialogTestKit();
        await kit.ReceiveAsync(DialogTestKit.Invite(extraHeaders: "Record-Route: <sip:10.0.0.1;lr>, <sip:10.0.0.2;lr>\r\n"));

        var ok = Assert.Single(kit.Sent, s => s.Response.StatusCode == 200).Response;
        Assert.NotNull(ok.To.Tag);
        Assert.Equal(["<sip:10.0.0.1;lr>, <sip:10.0.0.2;lr>"], ok.Headers.GetAll("Record-Route"));
        Assert.Equal("<sip:7878@127.0.0.9:5060>", ok.Headers.GetFirst("Contact"));
        var dialog = kit.Layer.Find("leg-1@cucm")!;
        Assert.Equal(DialogState.Confirmed, dialog.State);
        Assert.Equal(new DialogId("leg-1@cucm", ok.To.Tag!, "cucm1"), dialog.Id);
        Assert.Equal(["<sip:10.0.0.1;lr>", "<sip:10.0.0.2;lr>"], dialog.RouteSet);
    }

    [Fact]
    public async Task Rfc3261Section12_2_2_ByeForAnUnknownDialogGets481()
    {
        using var kit = new DialogTestKit();
        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", "nosuchtag", callId: "unknown@cucm"));

        Assert.Equal([481], kit.StatusesSentFor("BYE"));
        Assert.Equal(1, kit.Metrics.RefusedTotal);
    }

    [Fact]
    public async Task Rfc3261Section12_2_2_AByeWithTheRightCallIdButAnotherFromTagLeavesTheDialogAlone()
    {
        // Another sipp process that learnt the Call-ID: its own From tag, its own port.
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync();

        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag, fromTag: "intruder", viaPort: 5077), OtherSipp);
        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", "wrongtag", branch: "z9hG4bKbye2", cseq: 103));

        Assert.Equal([481, 481], kit.StatusesSentFor("BYE"));
        Assert.Empty(kit.User.Ended);
        Assert.Equal(DialogState.Confirmed, kit.Layer.Find("leg-1@cucm")!.State);
    }

    [Fact]
    public async Task Rfc3261Section12_2_2_AByeFromAnUntrustedAddressIsRefusedAndChangesNothing()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync();

        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag), new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5060));

        Assert.Equal([403], kit.StatusesSentFor("BYE"));
        Assert.Empty(kit.User.Ended);
    }

    [Fact]
    public async Task Rfc3261Section15_1_2_TheByeOfTheDialogIsAnswered200AndEndsIt()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync();

        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag));
        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag, branch: "z9hG4bKbye-again", cseq: 103));

        Assert.Equal([200, 481], kit.StatusesSentFor("BYE"));
        Assert.Equal([("leg-1@cucm", "bye")], kit.User.Ended);
        Assert.Null(kit.Layer.Find("leg-1@cucm"));
        Assert.Empty(kit.Client.Sent);
    }

    [Fact]
    public async Task Rfc3261Section12_2_2_ARequestWithALowerCSeqGets500AndAnEqualOrHigherOneIsTaken()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync();

        await kit.ReceiveAsync(DialogTestKit.InDialog("UPDATE", tag, cseq: 105, branch: "z9hG4bKu1"));
        await kit.ReceiveAsync(DialogTestKit.InDialog("UPDATE", tag, cseq: 104, branch: "z9hG4bKu2"));
        await kit.ReceiveAsync(DialogTestKit.InDialog("UPDATE", tag, cseq: 105, branch: "z9hG4bKu3"));

        Assert.Equal([200, 500, 200], kit.StatusesSentFor("UPDATE"));
        Assert.Equal(2, kit.User.Refreshes.Count);
    }

    [Fact]
    public async Task Rfc3261Section8_2_2_2_AMergedInviteGets482()
    {
        using var kit = new DialogTestKit();
        await kit.EstablishAsync();

        // The same INVITE (Call-ID, From tag, CSeq) arriving on another branch: a fork that met us twice.
        await kit.ReceiveAsync(DialogTestKit.Invite(branch: "z9hG4bKinv-other"));

        Assert.Equal([200, 482], kit.StatusesSentFor("INVITE"));
        Assert.Single(kit.User.AcceptResults);
    }

    [Fact]
    public async Task Rfc3261Section8_2_2_3_ARequireWeDoNotSupportGets420ListingItInUnsupported()
    {
        using var kit = new DialogTestKit();
        await kit.ReceiveAsync(DialogTestKit.Invite(extraHeaders: "Require: 100rel, timer, foo\r\n"));

        var refused = Assert.Single(kit.Sent).Response;
        Assert.Equal(420, refused.StatusCode);
        Assert.Equal("100rel, foo", refused.Headers.GetFirst("Unsupported"));
        Assert.Empty(kit.User.AcceptResults);

        var tag = await kit.EstablishAsync(callId: "leg-2@cucm");
        await kit.ReceiveAsync(DialogTestKit.InDialog("UPDATE", tag, callId: "leg-2@cucm", extraHeaders: "Require: replaces\r\n"));
        Assert.Equal([420], kit.StatusesSentFor("UPDATE"));
        Assert.Empty(kit.User.Refreshes);
    }

    [Fact]
    public async Task Rfc3261Section13_2_2_4_TheAckOfOurTwoHundredReachesTheCallHandlingWithItsDialog()
    {
        using var kit = new DialogTestKit();
        await kit.EstablishAsync();

        Assert.Single(kit.User.Acks);
    }

    [Fact]
    public async Task Rfc3261Section13_2_2_4_AForgedAckFromAnotherPortOrWithAnotherTagChangesNothing()
    {
        // In a delayed offer the ACK carries the SDP that says where audio may come from: a forged one must not get in.
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync(ack: false);

        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", tag, cseq: 101, branch: "z9hG4bKf1", viaPort: 5077), OtherSipp);
        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", tag, fromTag: "intruder", cseq: 101, branch: "z9hG4bKf2"));
        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", "othertag", cseq: 101, branch: "z9hG4bKf3"));
        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", tag, cseq: 100, branch: "z9hG4bKf4"));

        Assert.Empty(kit.User.Acks);
        Assert.Equal(4, kit.Metrics.RefusedTotal);
        Assert.DoesNotContain(kit.Sent, s => s.Response.CSeq.Method == "ACK");

        // Nor did they stop our 200's retransmissions (RFC 3261 §13.3.1.4): it is still resent at T1 doubling.
        var before = kit.StatusesSentFor("INVITE").Count();
        await kit.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.True(kit.StatusesSentFor("INVITE").Count() > before);

        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", tag, cseq: 101, branch: "z9hG4bKgood"));
        Assert.Single(kit.User.Acks);
    }

    [Fact]
    public async Task Rfc3261Section12_2_1_1_OurByeGoesToTheRemoteTargetThroughTheRouteSetWithTheTagsTurnedRound()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync(extraHeaders: "Record-Route: <sip:127.0.0.3:5070;lr>\r\n");
        await kit.ReceiveAsync(DialogTestKit.InDialog("UPDATE", tag, cseq: 140, branch: "z9hG4bKu1"));
        var dialog = kit.Layer.Find("leg-1@cucm")!;

        Assert.True(await kit.Layer.HangUpAsync(dialog, "media-timeout"));
        Assert.False(await kit.Layer.HangUpAsync(dialog, "media-timeout"));

        var (bye, target, _) = Assert.Single(kit.Client.Sent);
        Assert.Equal("BYE", bye.Method);
        Assert.Equal("sip:1001@127.0.0.1:5060;transport=udp", bye.RequestUri.ToString());
        Assert.Equal(["<sip:127.0.0.3:5070;lr>"], bye.Headers.GetAll("Route"));
        Assert.Equal(tag, bye.From.Tag);
        Assert.Equal("cucm1", bye.To.Tag);
        Assert.Equal("leg-1@cucm", bye.CallId);
        Assert.Equal("BYE", bye.CSeq.Method);
        Assert.StartsWith("Q.850;cause=102", bye.Headers.GetFirst("Reason"), StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 5070), target.EndPoint);
        Assert.Equal([("leg-1@cucm", "media-timeout")], kit.User.Ended);
        Assert.Equal(DialogState.Terminated, dialog.State);
    }

    [Fact]
    public async Task Rfc3261Section13_3_1_4_A200NeverAcknowledgedEndsTheDialogWithABye()
    {
        using var kit = new DialogTestKit();
        await kit.EstablishAsync(ack: false);

        await kit.AdvanceAsync(TimeSpan.FromSeconds(31));
        Assert.Empty(kit.Client.Sent);
        await kit.AdvanceAsync(TimeSpan.FromSeconds(2));

        var (bye, _, at) = Assert.Single(kit.Client.Sent);
        Assert.Equal("BYE", bye.Method);
        Assert.StartsWith("SIP;cause=408", bye.Headers.GetFirst("Reason"), StringComparison.Ordinal);
        Assert.Equal([("leg-1@cucm", "no-ack")], kit.User.Ended);

        // Timer L (64·T1 = 32 s, RFC 6026 §8.7) is when the 2xx stops being retransmitted and the ACK is given up.
        Assert.InRange((at - kit.Time.Start).TotalSeconds, 32, 33);
    }

    [Fact]
    public async Task Rfc4028Section9_TheUasLeavesTheRefreshToCucmWhenItNamesNoRefresher()
    {
        using var kit = new DialogTestKit();
        await kit.ReceiveAsync(DialogTestKit.Invite(extraHeaders: "Supported: timer, replaces\r\nSession-Expires: 1800\r\nMin-SE: 1800\r\n"));

        var ok = Assert.Single(kit.Sent).Response;
        Assert.Equal("1800;refresher=uac", ok.Headers.GetFirst("Session-Expires"));
        Assert.Equal("timer", ok.Headers.GetFirst("Require"));
    }

    [Fact]
    public async Task Rfc4028Section10_ASessionNotRefreshedEndsWithAByeBeforeItExpires()
    {
        using var kit = new DialogTestKit();
        await kit.EstablishAsync("Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n");

        // §10: the BYE goes at the interval minus min(32 s, interval / 3): 1768 s.
        await kit.AdvanceAsync(TimeSpan.FromSeconds(1767));
        Assert.Empty(kit.Client.Sent);
        await kit.AdvanceAsync(TimeSpan.FromSeconds(1));

        var (bye, _, at) = Assert.Single(kit.Client.Sent);
        Assert.Equal("BYE", bye.Method);
        Assert.Equal(1768, (at - kit.Time.Start).TotalSeconds);
        Assert.Equal([("leg-1@cucm", "session-expired")], kit.User.Ended);
    }

    [Fact]
    public async Task Rfc4028Section10_ARefreshFromCucmStartsANewInterval()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync("Supported: timer\r\nSession-Expires: 1800\r\n");

        await kit.AdvanceAsync(TimeSpan.FromSeconds(1000));
        await kit.ReceiveAsync(DialogTestKit.InDialog("UPDATE", tag, extraHeaders: "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n"));
        Assert.Equal("1800;refresher=uac", kit.Sent.Last().Response.Headers.GetFirst("Session-Expires"));

        await kit.AdvanceAsync(TimeSpan.FromSeconds(1767));
        Assert.Empty(kit.Client.Sent);
        await kit.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(2768, (Assert.Single(kit.Client.Sent).At - kit.Time.Start).TotalSeconds);
    }

    [Fact]
    public async Task Rfc4028Section10_WhenCucmAsksUsToRefreshWeSendUpdateAtHalfTheInterval()
    {
        using var kit = new DialogTestKit();
        await kit.EstablishAsync("Supported: timer\r\nSession-Expires: 120;refresher=uas\r\n");
        Assert.Null(kit.Sent.Last().Response.Headers.GetFirst("Require"));

        await kit.AdvanceAsync(TimeSpan.FromSeconds(130));
        Assert.Equal(["UPDATE", "UPDATE"], kit.Client.Sent.Select(s => s.Request.Method));
        Assert.Equal([60.0, 120.0], kit.Client.Sent.Select(s => (s.At - kit.Time.Start).TotalSeconds));
        Assert.Equal("120;refresher=uas", kit.Client.Sent.First().Request.Headers.GetFirst("Session-Expires"));

        // §10: a refresh answered 481 means the dialog is gone on CUCM's side: no BYE for it.
        kit.Client.Answer = _ => 481;
        await kit.AdvanceAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["UPDATE", "UPDATE", "UPDATE"], kit.Client.Sent.Select(s => s.Request.Method));
        Assert.Equal([("leg-1@cucm", "session-refresh-failed")], kit.User.Ended);
    }

    [Fact]
    public async Task Rfc4028Section8_1_AnIntervalBelowOurMinimumGets422WithMinSe()
    {
        using var kit = new DialogTestKit();
        await kit.ReceiveAsync(DialogTestKit.Invite(extraHeaders: "Supported: timer\r\nSession-Expires: 60\r\n"));

        var refused = Assert.Single(kit.Sent).Response;
        Assert.Equal(422, refused.StatusCode);
        Assert.Equal("90", refused.Headers.GetFirst("Min-SE"));
    }

    [Fact]
    public async Task Rfc3261Section9_2_ACancelBeforeThe200EndsTheDialogAndThe200IsNeverSent()
    {
        using var kit = new DialogTestKit();
        var cancelled = new TaskCompletionSource();
        kit.User.OnInvite = async (invite, dialog) =>
        {
            await cancelled.Task; // the leg is being set up when the CANCEL lands
            kit.User.AcceptResults.Enqueue(await kit.Layer.AcceptAsync(invite, dialog));
        };

        kit.Feed(DialogTestKit.Invite());
        kit.Feed(DialogTestKit.InDialog("CANCEL", "", cseq: 101, branch: "z9hG4bKinv1").Replace(";tag=\r\n", "\r\n", StringComparison.Ordinal));
        cancelled.SetResult();
        await kit.DrainAsync();

        Assert.Equal([487], kit.StatusesSentFor("INVITE"));
        Assert.Equal([200], kit.StatusesSentFor("CANCEL"));
        Assert.Equal([false], kit.User.AcceptResults);
        Assert.Equal([("leg-1@cucm", "cancelled")], kit.User.Ended);
        Assert.Null(kit.Layer.Find("leg-1@cucm"));
        Assert.Empty(kit.Client.Sent);
    }

    [Fact]
    public async Task Rfc3261Section9_2_ACancelAfterThe200HasNoEffect()
    {
        using var kit = new DialogTestKit();
        await kit.EstablishAsync(ack: false);
        await kit.ReceiveAsync(DialogTestKit.InDialog("CANCEL", "", cseq: 101, branch: "z9hG4bK" + "leg-1@cucm".GetHashCode(StringComparison.Ordinal)).Replace(";tag=\r\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal([200], kit.StatusesSentFor("INVITE"));
        Assert.Empty(kit.User.Ended);
        Assert.Equal(DialogState.Confirmed, kit.Layer.Find("leg-1@cucm")!.State);
    }

    [Fact]
    public async Task Rfc3261Section15_AByeBeforeTheAckEndsTheDialogAndTheLateAckChangesNothing()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync(ack: false);

        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag));
        await kit.ReceiveAsync(DialogTestKit.InDialog("ACK", tag, cseq: 101, branch: "z9hG4bKack1"));

        Assert.Equal([200], kit.StatusesSentFor("BYE"));
        Assert.Empty(kit.User.Acks);
        Assert.Equal([("leg-1@cucm", "bye")], kit.User.Ended);
    }

    [Fact]
    public async Task Rfc3261Section12_1_ARefusedInviteLeavesNoDialog()
    {
        using var kit = new DialogTestKit();
        kit.User.OnInvite = (invite, _) => invite.RespondAsync(
            OrleansRecorder.Silo.Sip.Messages.SipResponse.CreateFor(invite.Request, 486).WithToTag("refused")).AsTask();

        await kit.ReceiveAsync(DialogTestKit.Invite());
        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", "refused"));

        Assert.Equal([486], kit.StatusesSentFor("INVITE"));
        Assert.Equal([481], kit.StatusesSentFor("BYE"));
        Assert.Equal(0, kit.Layer.Count);
        Assert.Empty(kit.User.Ended);
    }

    [Fact]
    public async Task Rfc3261Section15_1_2_APeerByeCrossingOursIsAnswered200AndTheDialogGoesWhenOursIsAnswered()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync();
        var dialog = kit.Layer.Find("leg-1@cucm")!;
        kit.Client.Hold = new TaskCompletionSource();

        var ours = kit.Layer.HangUpAsync(dialog, "media-timeout");
        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag));

        Assert.Equal([200], kit.StatusesSentFor("BYE"));
        Assert.Equal(DialogState.Terminated, kit.Layer.Find("leg-1@cucm")?.State);
        Assert.Equal(1, kit.Layer.Count);
        kit.Client.Hold.SetResult();
        Assert.True(await ours);
        Assert.Equal(0, kit.Layer.Count);
        Assert.Equal([("leg-1@cucm", "media-timeout")], kit.User.Ended);
    }

    [Fact]
    public async Task Rfc3261Section12_2_2_AByeForADialogWhoseByeWasAnsweredIs481()
    {
        using var kit = new DialogTestKit();
        var tag = await kit.EstablishAsync();
        Assert.True(await kit.Layer.HangUpAsync(kit.Layer.Find("leg-1@cucm")!, "media-timeout"));

        await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag));

        Assert.Equal([481], kit.StatusesSentFor("BYE"));
    }
}
