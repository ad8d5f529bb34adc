using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

public sealed class OverloadGuardTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    [Fact]
    public void AnInviteHandledWithinTheLimitGoesOn()
    {
        var guard = new OverloadGuard(Limit);

        Assert.Null(guard.Check(TimeSpan.FromMilliseconds(0.05), joinsOpenRecording: false));
        Assert.Null(guard.Check(Limit, joinsOpenRecording: false));
    }

    [Fact]
    public void ANewCallsInviteThatWaitedLongerIsRefusedWith503AndSaysHowLong()
    {
        var decision = new OverloadGuard(Limit).Check(TimeSpan.FromMilliseconds(2_345), joinsOpenRecording: false);

        Assert.NotNull(decision);
        Assert.Equal(503, decision.Value.StatusCode);
        Assert.Equal("Overloaded: the INVITE waited 2345 ms for a thread (limit 2000 ms)", decision.Value.Reason);
    }

    [Fact]
    public void ALegJoiningARecordingOpenHereIsTakenHoweverLateSoTheCallIsNotSplit()
    {
        Assert.Null(new OverloadGuard(Limit).Check(TimeSpan.FromSeconds(30), joinsOpenRecording: true));
    }

    [Fact]
    public void ZeroTurnsTheCheckOff()
    {
        Assert.Null(new OverloadGuard(TimeSpan.Zero).Check(TimeSpan.FromMinutes(5), joinsOpenRecording: false));
    }

    [Fact]
    public void ANodeBehindOnItsFinalizationsRefusesNewCallsWith503UntilItCatchesUpButNeverSplitsACall()
    {
        string? backlog = "Overloaded: 1001 recordings waiting to be finalized (limit 1000)";
        var guard = new OverloadGuard(Limit, () => backlog);

        var refused = guard.Check(TimeSpan.Zero, joinsOpenRecording: false);
        var joining = guard.Check(TimeSpan.Zero, joinsOpenRecording: true);
        backlog = null;
        var caughtUp = guard.Check(TimeSpan.Zero, joinsOpenRecording: false);

        Assert.NotNull(refused);
        Assert.Equal(503, refused.Value.StatusCode);
        Assert.Equal("Overloaded: 1001 recordings waiting to be finalized (limit 1000)", refused.Value.Reason);
        Assert.Null(joining);
        Assert.Null(caughtUp);
    }
}
