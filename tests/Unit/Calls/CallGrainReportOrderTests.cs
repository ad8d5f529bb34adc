using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Grains.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary>Which report a call grain keeps: the newest from the recording node; another node's only when it ends the call.</summary>
public sealed class CallGrainReportOrderTests
{
    [Fact]
    public void TheFirstReportIsTaken() =>
        Assert.True(CallGrain.Supersedes(CallGrainLifetimeTests.Report("r", 1, LiveCallState.Recording), null));

    [Fact]
    public void ANewerVersionFromTheSameNodeReplacesAnOlderOneAndNotTheReverse()
    {
        var older = CallGrainLifetimeTests.Report("r", 1, LiveCallState.Recording);
        var newer = CallGrainLifetimeTests.Report("r", 2, LiveCallState.Held);
        Assert.True(CallGrain.Supersedes(newer, older));
        Assert.False(CallGrain.Supersedes(older, newer));
        Assert.False(CallGrain.Supersedes(newer, newer));
    }

    [Fact]
    public void AnotherNodesReportOnlyReplacesByEndingAnOpenCall()
    {
        var open = CallGrainLifetimeTests.Report("r", 9, LiveCallState.Recording, node: "node-a");
        Assert.False(CallGrain.Supersedes(CallGrainLifetimeTests.Report("r", 1, LiveCallState.Recording, node: "node-b"), open));
        var endedElsewhere = CallGrainLifetimeTests.Report("r", 1, LiveCallState.Ended, node: "node-b");
        Assert.True(CallGrain.Supersedes(endedElsewhere, open));
        Assert.False(CallGrain.Supersedes(CallGrainLifetimeTests.Report("r", 10, LiveCallState.Ended, node: "node-a"), endedElsewhere));
    }
}
