using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>Alarms are reported on change only: raised once, cleared once.</summary>
public sealed class AlarmStateTests
{
    [Fact]
    public void AConditionIsRaisedOnceAndClearedOnce()
    {
        var state = new AlarmState();
        var disk = new NodeAlarm("disk", "critical", "disk full");
        Assert.Empty(state.Update([]));
        Assert.Equal([(disk, true)], state.Update([disk]));
        Assert.Empty(state.Update([disk with { Message = "still full" }]));
        Assert.Equal([(disk, false)], state.Update([]));
        Assert.Empty(state.Update([]));
        Assert.Empty(state.Raised);
    }

    [Fact]
    public void KindsAreIndependent()
    {
        var state = new AlarmState();
        var disk = new NodeAlarm("disk", "critical", "disk full");
        var licence = new NodeAlarm("licence", "critical", "expired");
        state.Update([disk]);
        var changes = state.Update([licence]);
        Assert.Equal([(licence, true), (disk, false)], changes);
        Assert.Equal([licence], state.Raised);
    }
}
