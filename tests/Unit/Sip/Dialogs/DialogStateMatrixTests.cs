namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>
/// Every in-dialog request against every dialog state (RFC 3261 §12.2.2): only a request that names a confirmed
/// dialog reaches the call handling; the rest get 481, and an ACK is dropped.
/// </summary>
public sealed class DialogStateMatrixTests
{
    public enum State
    {
        NoDialog,
        Confirmed,
        Terminated,
    }

    public static TheoryData<State, string, int?> Cases()
    {
        var data = new TheoryData<State, string, int?>();
        foreach (var method in new[] { "BYE", "UPDATE", "INVITE", "INFO", "OPTIONS" })
        {
            data.Add(State.NoDialog, method, 481);
            data.Add(State.Confirmed, method, 200);
            data.Add(State.Terminated, method, 481);
        }

        // An ACK is never answered (RFC 3261 §17.1.1.3): null means nothing was sent.
        data.Add(State.NoDialog, "ACK", null);
        data.Add(State.Confirmed, "ACK", null);
        data.Add(State.Terminated, "ACK", null);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rfc3261Section12_2_2_ARequestReachesTheCallHandlingOnlyInAConfirmedDialog(State state, string method, int? expected)
    {
        using var kit = new DialogTestKit();
        var tag = "none";
        if (state != State.NoDialog)
        {
            tag = await kit.EstablishAsync(ack: false);
        }

        if (state == State.Terminated)
        {
            await kit.ReceiveAsync(DialogTestKit.InDialog("BYE", tag, cseq: 102, branch: "z9hG4bKend"));
        }

        var cseqNumber = method == "ACK" ? 101u : 150u;
        await kit.ReceiveAsync(DialogTestKit.InDialog(method, tag, cseq: cseqNumber, branch: "z9hG4bKm" + method));

        var sent = kit.Sent.Where(s => s.Response.CSeq.Method == method && s.Response.CSeq.Number == cseqNumber)
            .Select(s => (int?)s.Response.StatusCode).FirstOrDefault();
        Assert.Equal(expected, sent);
        var reachedUser = kit.User.Acks.Count + kit.User.Refreshes.Count
            + (method == "BYE" && state == State.Confirmed ? kit.User.Ended.Count : 0)
            + (method is "INFO" or "OPTIONS" && sent == 200 ? 1 : 0);
        Assert.Equal(state == State.Confirmed ? 1 : 0, reachedUser);
    }

    [Fact]
    public async Task Rfc3261Section15_1_2_AByeForAnEarlyDialogEndsItAndThePendingInviteGets487()
    {
        using var kit = new DialogTestKit();
        var release = new TaskCompletionSource();
        kit.User.OnInvite = async (invite, dialog) =>
        {
            await release.Task;
            kit.User.AcceptResults.Enqueue(await kit.Layer.AcceptAsync(invite, dialog));
        };

        kit.Feed(DialogTestKit.Invite());
        OrleansRecorder.Silo.Sip.Dialogs.Dialog? early = null;
        for (var i = 0; i < 200 && (early = kit.Layer.Find("leg-1@cucm")) is null; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(early);
        Assert.Equal(OrleansRecorder.Silo.Sip.Dialogs.DialogState.Early, early.State);
        kit.Feed(DialogTestKit.InDialog("BYE", early.Id.LocalTag));
        for (var i = 0; i < 500 && kit.User.Ended.IsEmpty; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        release.SetResult();
        await kit.DrainAsync();

        Assert.Equal([200], kit.StatusesSentFor("BYE"));
        Assert.Equal([487], kit.StatusesSentFor("INVITE"));
        Assert.Equal([false], kit.User.AcceptResults);
        Assert.Equal([("leg-1@cucm", "bye")], kit.User.Ended);
    }
}
