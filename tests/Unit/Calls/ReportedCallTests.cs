using OrleansRecorder.Silo.Calls.Reporting;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary>
/// The reporting state of one call: one send at a time, and changes made while a send is under way are neither lost
/// nor sent by a second concurrent sender; they coalesce into the next round of the sender already running.
/// </summary>
public sealed class ReportedCallTests
{
    [Fact]
    public void TheFirstChangeStartsASendAndChangesDuringItDoNotStartAnother()
    {
        var call = new ReportedCall(null!);
        Assert.True(call.MarkDirty());
        Assert.False(call.MarkDirty());
        Assert.False(call.MarkDirty());
    }

    [Fact]
    public void AChangeDuringASendMakesThatSenderGoRoundOnceMore()
    {
        var call = new ReportedCall(null!);
        Assert.True(call.MarkDirty());
        Assert.True(call.TakeDirty());
        Assert.False(call.MarkDirty());

        // The sender finishes: the change came meanwhile, so it sends again (and keeps the right to send).
        Assert.True(call.FinishSending());
        Assert.True(call.TakeDirty());
        Assert.False(call.FinishSending());

        // Idle again: the next change starts a send.
        Assert.True(call.MarkDirty());
    }

    [Fact]
    public void ARetryMarkedBySenderItselfIsSentByTheSameSender()
    {
        var call = new ReportedCall(null!);
        Assert.True(call.MarkDirty());
        Assert.True(call.TakeDirty());
        call.MarkDirtyOnly();
        Assert.True(call.FinishSending());
        Assert.False(call.MarkDirty());
    }
}
