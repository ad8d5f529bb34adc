using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Grains.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

public sealed class CallPairingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private int _ids;

    private CallPairing NewPairing() => new(() => $"rec-{++_ids}");

    private static LegOffer Offer(LegRole role, string callId, CucmMetadata? metadata = null) =>
        new(role, callId, metadata ?? new CucmMetadata { RefCi = "42" }, "node-a", Now);

    [Fact]
    public void TheSecondLegJoinsTheFirstLegsRecording()
    {
        var pairing = NewPairing();
        var near = pairing.Offer(Offer(LegRole.NearEnd, "c1"));
        var far = pairing.Offer(Offer(LegRole.FarEnd, "c2"));

        Assert.True(near.IsNewRecording);
        Assert.False(far.IsNewRecording);
        Assert.Equal(near.RecordingId, far.RecordingId);
    }

    [Fact]
    public void ARetriedOfferOfTheSameDialogGetsTheSameAnswer()
    {
        var pairing = NewPairing();
        var first = pairing.Offer(Offer(LegRole.NearEnd, "c1"));
        var again = pairing.Offer(Offer(LegRole.NearEnd, "c1"));

        Assert.Equal(first.RecordingId, again.RecordingId);
        Assert.False(again.IsNewRecording);
    }

    [Fact]
    public void TheRecordingEndsWhenEveryLegEnded()
    {
        var pairing = NewPairing();
        var id = pairing.Offer(Offer(LegRole.NearEnd, "c1")).RecordingId;
        pairing.Offer(Offer(LegRole.FarEnd, "c2"));

        Assert.False(pairing.End(id, LegRole.NearEnd, "c1"));
        Assert.True(pairing.End(id, LegRole.FarEnd, "c2"));
    }

    [Fact]
    public void ALegWhosePartnerNeverCameEndsItsRecordingAlone()
    {
        var pairing = NewPairing();
        var id = pairing.Offer(Offer(LegRole.FarEnd, "c2")).RecordingId;

        Assert.True(pairing.End(id, LegRole.FarEnd, "c2"));
    }

    [Fact]
    public void ALegTheNodeRecordedUnderAnIdOfItsOwnEndsByItsCallId()
    {
        var pairing = NewPairing();
        pairing.Offer(Offer(LegRole.NearEnd, "c1"));
        Assert.True(pairing.HasOpenLeg);

        // The node's time limit ran out before this answer reached it: it recorded the leg as "node-own".
        Assert.True(pairing.End("node-own", LegRole.NearEnd, "c1"));
        Assert.False(pairing.HasOpenLeg);
    }

    [Fact]
    public void ALateEndOfAnEarlierDialogLeavesTheOpenLegOfItsRoleAlone()
    {
        var pairing = NewPairing();
        var first = pairing.Offer(Offer(LegRole.NearEnd, "c1")).RecordingId;
        pairing.Offer(Offer(LegRole.NearEnd, "c9"));

        Assert.True(pairing.End(first, LegRole.NearEnd, "c1"));
        Assert.True(pairing.HasOpenLeg);
    }

    [Fact]
    public void ANewSegmentWithTheSameRefciAfterTheRecordingClosedStartsANewRecording()
    {
        var pairing = NewPairing();
        var first = pairing.Offer(Offer(LegRole.NearEnd, "c1")).RecordingId;
        pairing.End(first, LegRole.NearEnd, "c1");
        pairing.Close(first);

        var next = pairing.Offer(Offer(LegRole.NearEnd, "c3"));
        Assert.True(next.IsNewRecording);
        Assert.NotEqual(first, next.RecordingId);
    }

    [Fact]
    public void ASecondDialogForATakenRoleStartsANewRecording()
    {
        var pairing = NewPairing();
        var first = pairing.Offer(Offer(LegRole.NearEnd, "c1")).RecordingId;
        var second = pairing.Offer(Offer(LegRole.NearEnd, "c9"));

        Assert.True(second.IsNewRecording);
        Assert.NotEqual(first, second.RecordingId);
    }

    [Fact]
    public void MetadataUpdatesMergeNewValuesOverOldOnes()
    {
        var pairing = NewPairing();
        var id = pairing.Offer(Offer(LegRole.NearEnd, "c1", new CucmMetadata { RefCi = "42", NearEndAddress = "1001", FarEndAddress = "1000" })).RecordingId;
        pairing.UpdateMetadata(id, new CucmMetadata { FarEndAddress = "5550100", FarEndDevice = "TRUNK" });

        Assert.Equal("1001", pairing.Metadata.NearEndAddress);
        Assert.Equal("5550100", pairing.Metadata.FarEndAddress);
        Assert.Equal("TRUNK", pairing.Metadata.FarEndDevice);
        Assert.Equal("42", pairing.Metadata.RefCi);
    }

    [Fact]
    public void PairingKeysIgnoreTheCaseCucmChangesBetweenMessages()
    {
        var upper = CallKeys.ForMetadata(new CucmMetadata { RefCi = "19301625", NearEndClusterId = "GlensCUCM10-5" }, "x");
        var lower = CallKeys.ForMetadata(new CucmMetadata { RefCi = "19301625", NearEndClusterId = "glenscucm10-5" }, "y");

        Assert.Equal(upper, lower);
        Assert.Equal("dialog/abc", CallKeys.ForMetadata(new CucmMetadata(), "abc"));
    }
}
