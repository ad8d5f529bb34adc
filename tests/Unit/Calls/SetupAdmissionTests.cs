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
}
