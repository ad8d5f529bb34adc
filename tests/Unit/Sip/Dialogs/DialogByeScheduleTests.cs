namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>
/// Our BYE through the real client transaction on the fake clock, to a CUCM that never answers: RFC 3261 §17.1.2.2
/// retransmits it over UDP at T1 doubling to T2 (Timer E) and gives up at 64·T1 (Timer F).
/// </summary>
public sealed class DialogByeScheduleTests
{
    // Timer E from the first send: 0.5, 1, 2, 4, then every T2 = 4 s; Timer F at 32 s ends it.
    private static readonly double[] ScheduleAfterFirstSend = [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5];

    [Fact]
    public async Task Rfc4028Section10_AndRfc3261Section17_1_2_2_SessionExpiryByeIsRetransmittedOnTimerEUntilTimerF()
    {
        using var kit = new DialogTestKit();
        using var client = new TransactionSipClient(kit.Time);
        kit.Layer.Attach(client);
        await kit.EstablishAsync("Supported: timer\r\nSession-Expires: 1800\r\n");

        await kit.AdvanceAsync(TimeSpan.FromSeconds(1768 + 40));

        var sends = client.Datagrams.ToArray();
        Assert.All(sends, s => Assert.Equal("BYE", s.Request.Method));
        Assert.Single(sends.Select(s => s.Request.TopVia.Branch).Distinct());
        Assert.Equal(ScheduleAfterFirstSend.Select(s => 1768 + s), sends.Select(s => (s.At - kit.Time.Start).TotalSeconds));
        Assert.Null(Assert.Single(client.Outcomes));
        Assert.Equal([("leg-1@cucm", "session-expired")], kit.User.Ended);
    }

    [Fact]
    public async Task Rfc3261Section13_3_1_4_AndSection17_1_2_2_NoAckByeIsRetransmittedOnTimerEUntilTimerF()
    {
        using var kit = new DialogTestKit();
        using var client = new TransactionSipClient(kit.Time);
        kit.Layer.Attach(client);
        await kit.EstablishAsync(ack: false);

        await kit.AdvanceAsync(TimeSpan.FromSeconds(32 + 40));

        var sends = client.Datagrams.ToArray();
        Assert.Equal(ScheduleAfterFirstSend.Select(s => 32 + s), sends.Select(s => (s.At - kit.Time.Start).TotalSeconds));
        Assert.StartsWith("SIP;cause=408", sends[0].Request.Headers.GetFirst("Reason"), StringComparison.Ordinal);
        Assert.Null(Assert.Single(client.Outcomes));
    }
}
