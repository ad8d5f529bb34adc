using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;

namespace OrleansRecorder.Tests.Unit.Sip;

public sealed class TransactionTests
{
    private static readonly double[] TimerGSchedule = [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5];

    [Fact]
    public void NonSuccessFinalOverUdpIsRetransmittedOnTimerGUntilTimerH()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        Assert.True(kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 486).WithToTag("t")));

        kit.AdvanceTo(TimeSpan.FromSeconds(40));

        Assert.Equal(TimerGSchedule, kit.Sent.Select(s => s.At.TotalSeconds));
        Assert.All(kit.Sent, s => Assert.Equal(486, s.Status));
        Assert.Equal(0, kit.Table.ActiveCount);
        Assert.Empty(kit.AckTimeouts);
    }

    [Fact]
    public void TimerHTerminatesAt64T1()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 486).WithToTag("t"));

        kit.AdvanceTo(TimeSpan.FromSeconds(31.95));
        Assert.Equal(1, kit.Table.ActiveCount);
        kit.AdvanceTo(TimeSpan.FromSeconds(32));
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public void NonSuccessFinalOverTcpIsNotRetransmitted()
    {
        using var kit = new TransactionTestKit(reliable: true);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 486).WithToTag("t"));

        kit.AdvanceTo(TimeSpan.FromSeconds(31));
        Assert.Equal([486], kit.Sent.Select(s => s.Status));
        Assert.Equal(1, kit.Table.ActiveCount);
        kit.AdvanceTo(TimeSpan.FromSeconds(33));
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public void AckStopsRetransmissionsAndTimerIEndsTheTransaction()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 603).WithToTag("t"));
        kit.AdvanceTo(TimeSpan.FromSeconds(0.6));

        kit.Table.OnRequest(TransactionTestKit.Request("ACK", "z9hG4bK-inv1", cseqMethod: "ACK"), kit);
        kit.AdvanceTo(TimeSpan.FromSeconds(5.55));
        Assert.Equal(1, kit.Table.ActiveCount); // Confirmed, absorbing ACKs for T4

        kit.Table.OnRequest(TransactionTestKit.Request("ACK", "z9hG4bK-inv1", cseqMethod: "ACK"), kit);
        kit.AdvanceTo(TimeSpan.FromSeconds(40));

        Assert.Equal([603, 603], kit.Sent.Select(s => s.Status));
        Assert.Equal(0, kit.Table.ActiveCount);
        Assert.Single(kit.Passed); // the INVITE only: ACKs of a non-2xx stay in the transaction
    }

    [Fact]
    public void SuccessIsRetransmittedUntilTheAckArrives()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 200).WithToTag("t"));
        kit.AdvanceTo(TimeSpan.FromSeconds(4));

        // RFC 3261 §17.1.1.3: the ACK of a 2xx has a new branch.
        var ack = TransactionTestKit.Request("ACK", "z9hG4bK-ack1", cseqMethod: "ACK", toTag: "t");
        kit.Table.OnRequest(ack, kit);
        kit.AdvanceTo(TimeSpan.FromSeconds(31.9));

        Assert.Equal([0, 0.5, 1.5, 3.5], kit.Sent.Select(s => s.At.TotalSeconds));
        Assert.Equal([200, 200, 200, 200], kit.Sent.Select(s => s.Status));
        Assert.Equal([(invite, false), (ack, true)], kit.Passed);
        Assert.Equal(1, kit.Table.ActiveCount); // Accepted absorbs INVITE retransmissions until Timer L

        kit.Table.OnRequest(invite, kit);
        Assert.Equal(4, kit.Sent.Count);
        kit.AdvanceTo(TimeSpan.FromSeconds(32.1));
        Assert.Equal(0, kit.Table.ActiveCount);
        Assert.Empty(kit.AckTimeouts);
    }

    [Fact]
    public void SuccessWithoutAckIsRetransmittedFor64T1ThenReported()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 200).WithToTag("t"));

        kit.AdvanceTo(TimeSpan.FromSeconds(40));

        Assert.Equal(TimerGSchedule, kit.Sent.Select(s => s.At.TotalSeconds));
        Assert.Same(invite, Assert.Single(kit.AckTimeouts));
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public void Rfc3261Section17_2_1_RetransmittedInviteIsAbsorbedUntilAProvisionalThenGetsTheLastOne()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.OnRequest(invite, kit);
        kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 180).WithToTag("t"));
        kit.Table.OnRequest(TransactionTestKit.Request("INVITE", "z9hG4bK-inv1"), kit);

        Assert.Equal([180, 180], kit.Sent.Select(s => s.Status));
        Assert.Single(kit.Passed);
    }

    [Fact]
    public void NonInviteCompletedAnswersRetransmissionsUntilTimerJ()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var options = TransactionTestKit.Request("OPTIONS", "z9hG4bK-opt1");
        kit.Table.OnRequest(options, kit);
        kit.Table.OnRequest(options, kit); // Trying absorbs
        Assert.Empty(kit.Sent);
        kit.Table.Respond(TransactionKey.FromRequest(options), SipResponse.CreateFor(options, 200).WithToTag("t"));
        kit.AdvanceTo(TimeSpan.FromSeconds(10));
        kit.Table.OnRequest(options, kit);

        Assert.Equal([200, 200], kit.Sent.Select(s => s.Status));
        kit.AdvanceTo(TimeSpan.FromSeconds(31.95));
        Assert.Equal(1, kit.Table.ActiveCount);
        kit.AdvanceTo(TimeSpan.FromSeconds(32));
        Assert.Equal(0, kit.Table.ActiveCount);
        Assert.Single(kit.Passed);
    }

    [Fact]
    public void NonInviteOverTcpTerminatesOnTheFinalResponse()
    {
        using var kit = new TransactionTestKit(reliable: true);
        var bye = TransactionTestKit.Request("BYE", "z9hG4bK-bye1");
        kit.Table.OnRequest(bye, kit);
        kit.Table.Respond(TransactionKey.FromRequest(bye), SipResponse.CreateFor(bye, 200));
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public void CancelKeyMatchesTheInviteAndAckMapsToInvite()
    {
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        var cancel = TransactionTestKit.Request("CANCEL", "z9hG4bK-inv1");
        var ack = TransactionTestKit.Request("ACK", "z9hG4bK-inv1", cseqMethod: "ACK");

        Assert.Equal(TransactionKey.FromRequest(invite), TransactionKey.ForCancelledInvite(cancel));
        Assert.NotEqual(TransactionKey.FromRequest(invite), TransactionKey.FromRequest(cancel));
        Assert.Equal(TransactionKey.FromRequest(invite), TransactionKey.FromRequest(ack));
        Assert.NotEqual(TransactionKey.FromRequest(invite), TransactionKey.FromRequest(TransactionTestKit.Request("INVITE", "z9hG4bK-inv2")));
    }

    [Fact]
    public void Rfc2543BranchFallsBackToDialogIdentifiers()
    {
        var first = TransactionTestKit.Request("INVITE", "oldstyle", callId: "a");
        var sameCall = TransactionTestKit.Request("INVITE", "oldstyle", callId: "a");
        var otherCall = TransactionTestKit.Request("INVITE", "oldstyle", callId: "b");
        var nextCSeq = TransactionTestKit.Request("INVITE", "oldstyle", callId: "a", cseq: 2);

        Assert.Equal(TransactionKey.FromRequest(first), TransactionKey.FromRequest(sameCall));
        Assert.NotEqual(TransactionKey.FromRequest(first), TransactionKey.FromRequest(otherCall));
        Assert.NotEqual(TransactionKey.FromRequest(first), TransactionKey.FromRequest(nextCSeq));
    }

    [Fact]
    public void CancelAnswers200AndTheInvite487()
    {
        using var kit = new TransactionTestKit(reliable: false);
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        kit.Table.OnRequest(invite, kit);
        kit.Table.OnRequest(TransactionTestKit.Request("CANCEL", "z9hG4bK-inv1"), kit);

        Assert.Equal([200, 487], kit.Sent.Select(s => s.Status));
        Assert.Equal("CANCEL", kit.SentResponses[0].CSeq.Method);
        Assert.Equal("INVITE", kit.SentResponses[1].CSeq.Method);
        Assert.Equal(kit.SentResponses[0].To.Tag, kit.SentResponses[1].To.Tag);
        Assert.Same(invite, Assert.Single(kit.Cancelled));
        Assert.False(kit.Table.Respond(TransactionKey.FromRequest(TransactionTestKit.Request("BYE", "z9hG4bK-x")), SipResponse.CreateFor(invite, 200)));

        // The TU's late 200 does not replace the 487 (the transaction is Completed), and the TU is told so (§9.2).
        Assert.False(kit.Table.Respond(TransactionKey.FromRequest(invite), SipResponse.CreateFor(invite, 200).WithToTag("late")));
        Assert.Equal(2, kit.Sent.Count);
    }

    [Fact]
    public void CancelWithoutInviteIsAnswered481()
    {
        using var kit = new TransactionTestKit(reliable: false);
        kit.Table.OnRequest(TransactionTestKit.Request("CANCEL", "z9hG4bK-nothing"), kit);
        Assert.Equal([481], kit.Sent.Select(s => s.Status));
        Assert.Empty(kit.Passed);
    }

    [Fact]
    public void InviteStateMachineIsPure()
    {
        var invite = TransactionTestKit.Request("INVITE", "z9hG4bK-inv1");
        var fsm = new InviteServerTransaction(TransactionKey.FromRequest(invite), invite, reliable: false, new SipTimerOptions());

        // RFC 3261 §17.2.1: no 100 (Trying) at once; the stack sends it if the TU takes longer than 200 ms.
        var start = fsm.Start();
        Assert.Equal([TransactionEffectKind.PassToUser], start.Select(e => e.Kind));

        var final = fsm.Handle(TransactionEvent.Respond(SipResponse.CreateFor(invite, 500)));
        Assert.Equal(InviteServerTransactionState.Completed, fsm.State);
        Assert.Equal(TransactionEffect.StartTimer(SipTimerKind.G, TimeSpan.FromMilliseconds(500)), final[1]);
        Assert.Equal(TransactionEffect.StartTimer(SipTimerKind.H, TimeSpan.FromSeconds(32)), final[2]);

        var h = fsm.Handle(TransactionEvent.TimerFired(SipTimerKind.H));
        Assert.Equal(TransactionEffect.Terminate(TransactionTermination.AckNotReceived), h[^1]);
        Assert.True(fsm.IsTerminated);
        Assert.Empty(fsm.Handle(TransactionEvent.Ack(invite)));
    }
}
