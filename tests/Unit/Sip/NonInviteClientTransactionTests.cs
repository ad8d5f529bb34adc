using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>The non-INVITE client transaction (RFC 3261 §17.1.2.2) and response matching (§17.1.3) on a fake clock.</summary>
public sealed class NonInviteClientTransactionTests
{
    // T1 = 500 ms, T2 = 4 s: sent at 0, then Timer E intervals 0.5, 1, 2, 4, 4, 4... until Timer F at 64·T1 = 32 s.
    private static readonly double[] TimerESchedule = [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5];

    [Fact]
    public void Rfc3261_17_1_2_2_TimerERetransmitsOverUdpFromT1DoublingUpToT2()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var outcome = kit.Table.Start(ClientTransactionTestKit.Bye(), kit);

        kit.AdvanceTo(TimeSpan.FromSeconds(31.95));

        Assert.Equal(TimerESchedule, kit.Sent.Select(s => s.TotalSeconds));
        Assert.False(outcome.IsCompleted);
    }

    [Fact]
    public async Task Rfc3261_17_1_2_2_TimerFAt64T1EndsTheTransactionWithNoResponse()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var outcome = kit.Table.Start(ClientTransactionTestKit.Bye(), kit);

        kit.AdvanceTo(TimeSpan.FromSeconds(31.95));
        Assert.False(outcome.IsCompleted);
        Assert.Equal(1, kit.Table.ActiveCount);

        kit.AdvanceTo(TimeSpan.FromSeconds(32));
        Assert.Null(await outcome);
        Assert.Equal(0, kit.Table.ActiveCount);

        kit.AdvanceTo(TimeSpan.FromSeconds(60));
        Assert.Equal(TimerESchedule.Length, kit.Sent.Count); // nothing after Terminated
    }

    [Fact]
    public async Task Rfc3261_17_1_2_2_AProvisionalMovesToProceedingWhereTimerERetransmitsAtT2()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var bye = ClientTransactionTestKit.Bye();
        var outcome = kit.Table.Start(bye, kit);
        kit.AdvanceTo(TimeSpan.FromSeconds(0.6)); // sent at 0 and 0.5; Timer E now 1 s, due at 1.5

        Assert.True(kit.Table.OnResponse(SipResponse.CreateFor(bye, 100)));
        kit.AdvanceTo(TimeSpan.FromSeconds(31.95));

        // The pending Timer E fires at 1.5, then every T2 (4 s) until Timer F.
        Assert.Equal([0, 0.5, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5], kit.Sent.Select(s => s.TotalSeconds));
        Assert.False(outcome.IsCompleted); // a provisional response does not complete the request

        kit.AdvanceTo(TimeSpan.FromSeconds(32));
        Assert.Null(await outcome); // Timer F also ends Proceeding
    }

    [Fact]
    public async Task Rfc3261_17_1_2_2_AFinalResponseOverUdpCompletesThenTimerKTerminatesAfterT4()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var bye = ClientTransactionTestKit.Bye();
        var outcome = kit.Table.Start(bye, kit);
        kit.AdvanceTo(TimeSpan.FromSeconds(1));

        var ok = SipResponse.CreateFor(bye, 200).WithToTag("remote");
        Assert.True(kit.Table.OnResponse(ok));
        Assert.Same(ok, await outcome);

        // Completed: a retransmitted 200 is absorbed, nothing is retransmitted, the transaction stays for T4.
        kit.AdvanceTo(TimeSpan.FromSeconds(5.95));
        Assert.True(kit.Table.OnResponse(SipResponse.CreateFor(bye, 200).WithToTag("remote")));
        Assert.Equal(1, kit.Table.ActiveCount);
        kit.AdvanceTo(TimeSpan.FromSeconds(6));
        Assert.Equal(0, kit.Table.ActiveCount);
        Assert.False(kit.Table.OnResponse(ok)); // Terminated: matches nothing any more

        kit.AdvanceTo(TimeSpan.FromSeconds(40));
        Assert.Equal([0, 0.5], kit.Sent.Select(s => s.TotalSeconds));
    }

    [Fact]
    public async Task Rfc3261_17_1_2_2_OverTcpTheRequestIsSentOnceAndTimerFStillApplies()
    {
        using var kit = new ClientTransactionTestKit(reliable: true);
        var outcome = kit.Table.Start(ClientTransactionTestKit.Bye(), kit);

        kit.AdvanceTo(TimeSpan.FromSeconds(31.95));
        Assert.Equal([TimeSpan.Zero], kit.Sent);
        Assert.False(outcome.IsCompleted);

        kit.AdvanceTo(TimeSpan.FromSeconds(32));
        Assert.Null(await outcome);
    }

    [Fact]
    public async Task Rfc3261_17_1_2_2_AFinalResponseOverTcpTerminatesAtOnceTimerKBeingZero()
    {
        using var kit = new ClientTransactionTestKit(reliable: true);
        var bye = ClientTransactionTestKit.Bye();
        var outcome = kit.Table.Start(bye, kit);

        Assert.True(kit.Table.OnResponse(SipResponse.CreateFor(bye, 481)));

        Assert.Equal(481, (await outcome)!.StatusCode);
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public async Task Rfc3261_17_1_3_AResponseMatchesByTopViaBranchAndCSeqMethod()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var bye = ClientTransactionTestKit.Bye("z9hG4bKmatch");
        var outcome = kit.Table.Start(bye, kit);

        var otherBranch = SipResponse.CreateFor(ClientTransactionTestKit.Bye("z9hG4bKother"), 200);
        var otherMethod = SipResponse.CreateFor(
            TransactionTestKit.Request("OPTIONS", "z9hG4bKmatch", callId: "client-1@127.0.0.1", cseq: 2), 200);
        Assert.False(kit.Table.OnResponse(otherBranch));
        Assert.False(kit.Table.OnResponse(otherMethod));
        Assert.False(outcome.IsCompleted);

        Assert.True(kit.Table.OnResponse(SipResponse.CreateFor(bye, 200)));
        Assert.Equal(200, (await outcome)!.StatusCode);
    }

    [Fact]
    public void Rfc3261_18_1_2_AResponseWhoseTopViaSentByIsNotOursIsDiscarded()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var bye = ClientTransactionTestKit.Bye("z9hG4bKsentby");
        var outcome = kit.Table.Start(bye, kit);

        var response = SipResponse.CreateFor(bye, 200);
        response.Headers.Set(SipHeaderNames.Via, "SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKsentby");

        Assert.False(kit.Table.OnResponse(response));
        Assert.False(outcome.IsCompleted);
    }

    [Fact]
    public async Task Rfc3261_17_1_4_ATransportFailureEndsTheTransactionWithNoResponse()
    {
        using var kit = new ClientTransactionTestKit(reliable: true) { Accepts = false };

        var outcome = kit.Table.Start(ClientTransactionTestKit.Bye(), kit);

        Assert.Null(await outcome);
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public async Task Rfc3261_17_1_4_ATransportFailureOnARetransmissionEndsTheTransaction()
    {
        using var kit = new ClientTransactionTestKit(reliable: false);
        var outcome = kit.Table.Start(ClientTransactionTestKit.Bye(), kit);
        kit.AdvanceTo(TimeSpan.FromSeconds(1));

        kit.Accepts = false;
        kit.AdvanceTo(TimeSpan.FromSeconds(1.5));

        Assert.Null(await outcome);
        Assert.Equal(0, kit.Table.ActiveCount);
    }

    [Fact]
    public async Task DisposingTheTableCompletesPendingTransactionsWithNoResponseAndRefusesNewOnes()
    {
        var kit = new ClientTransactionTestKit(reliable: false);
        var pending = kit.Table.Start(ClientTransactionTestKit.Bye("z9hG4bKpending"), kit);

        kit.Dispose();
        kit.Dispose();

        Assert.Null(await pending);
        Assert.Null(await kit.Table.Start(ClientTransactionTestKit.Bye("z9hG4bKlate"), kit));
        Assert.Single(kit.Sent);
    }
}
