using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

public sealed class SetupAdmissionTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void CallsAreAdmittedUpToTheCapAndTheNextIsRefused503WithTheReason()
    {
        var admission = new SetupAdmission(maxInProgress: 3, _time);

        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-2", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-3", joinsOpenRecording: false));
        var refused = admission.TryAdmit("call-4", joinsOpenRecording: false);

        Assert.NotNull(refused);
        Assert.Equal(503, refused.Value.StatusCode);
        Assert.Equal("Overloaded: 3 calls already being set up", refused.Value.Reason);
        Assert.Equal(3, admission.InProgress);
    }

    [Fact]
    public void AnAnsweredSetUpMakesRoomForTheNextCall()
    {
        var admission = new SetupAdmission(maxInProgress: 1, _time);
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.NotNull(admission.TryAdmit("call-2", joinsOpenRecording: false));

        admission.SetupEnded();

        Assert.Equal(0, admission.InProgress);
        Assert.Null(admission.TryAdmit("call-3", joinsOpenRecording: false));
    }

    [Fact]
    public void BothLegsOfACallGetOneAnswerSoNoCallIsSplitAcrossNodes()
    {
        var admission = new SetupAdmission(maxInProgress: 1, _time);

        // The near end takes the last place; its far end comes while the cap is reached and is still taken.
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.Equal(2, admission.InProgress);

        // A call refused on its first leg is refused on its second, even once there is room again.
        Assert.NotNull(admission.TryAdmit("call-2", joinsOpenRecording: false));
        admission.SetupEnded();
        admission.SetupEnded();
        Assert.NotNull(admission.TryAdmit("call-2", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-3", joinsOpenRecording: false));
    }

    [Fact]
    public void AnOldDecisionIsForgottenSoACallKeyUsedAgainLaterIsDecidedAfresh()
    {
        var admission = new SetupAdmission(maxInProgress: 1, _time);
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.NotNull(admission.TryAdmit("call-2", joinsOpenRecording: false));
        admission.SetupEnded();

        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Null(admission.TryAdmit("call-2", joinsOpenRecording: false));
    }

    [Fact]
    public void ALegJoiningARecordingOpenHereIsTakenOverTheCap()
    {
        var admission = new SetupAdmission(maxInProgress: 1, _time);
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));

        Assert.Null(admission.TryAdmit("call-0", joinsOpenRecording: true));
        Assert.Equal(2, admission.InProgress);
    }

    [Fact]
    public void ACapOfZeroAdmitsEverything()
    {
        var admission = new SetupAdmission(maxInProgress: 0, _time);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(admission.TryAdmit($"call-{i}", joinsOpenRecording: false));
        }
    }

    [Fact]
    public void ANewCallBeyondTheNodesCallCapacityIs503AndBothItsLegsGetThatAnswer()
    {
        // ARCHITECTURE.md failover policy, "node near its measured capacity": 503 so CUCM records the call on the backup.
        var active = 2;
        var admission = new SetupAdmission(maxInProgress: 0, _time, new CallCapacity(maxCalls: 3, () => active));

        Assert.Null(admission.TryAdmit("call-3", joinsOpenRecording: false));
        admission.SetupEnded();
        active = 3;
        var refused = admission.TryAdmit("call-4", joinsOpenRecording: false);

        Assert.NotNull(refused);
        Assert.Equal(503, refused.Value.StatusCode);
        Assert.Equal("At capacity: 3 calls recorded, 0 being set up (limit 3)", refused.Value.Reason);
        Assert.Equal(0, admission.InProgress);
        // Its far end, even once a call has ended meanwhile: the call is not split between this node and the backup.
        active = 2;
        Assert.Equal(refused, admission.TryAdmit("call-4", joinsOpenRecording: false));
        // A leg joining a call recorded here is taken over the capacity (its channel is already counted).
        active = 3;
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: true));
    }

    [Fact]
    public void CallsAdmittedAndNotYetOpenCountAgainstTheCapacitySoABurstCannotOvershootIt()
    {
        var active = 0;
        var admission = new SetupAdmission(maxInProgress: 200, _time, new CallCapacity(maxCalls: 2, () => active));

        // Two calls admitted, each with both legs in progress, none of their recordings open yet (none recorded yet).
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-2", joinsOpenRecording: false));
        Assert.Null(admission.TryAdmit("call-2", joinsOpenRecording: false));

        var refused = admission.TryAdmit("call-3", joinsOpenRecording: false);
        Assert.Equal("At capacity: 0 calls recorded, 2 being set up (limit 2)", refused?.Reason);
        Assert.Equal(4, admission.InProgress);

        // Once they are answered they count as recorded calls instead; one ended leaves room for the next.
        for (var i = 0; i < 4; i++)
        {
            admission.SetupEnded();
        }

        active = 1;
        Assert.Null(admission.TryAdmit("call-5", joinsOpenRecording: false));
    }

    [Fact]
    public void TheSetUpCapIsCheckedBeforeTheCapacity()
    {
        var active = 0;
        var admission = new SetupAdmission(maxInProgress: 1, _time, new CallCapacity(maxCalls: 100, () => active));
        Assert.Null(admission.TryAdmit("call-1", joinsOpenRecording: false));
        active = 100;

        Assert.Equal("Overloaded: 1 calls already being set up",
            admission.TryAdmit("call-2", joinsOpenRecording: false)?.Reason);
    }
}
