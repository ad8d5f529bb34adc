using OrleansRecorder.Grains.Storage;

namespace OrleansRecorder.Tests.Unit.Storage;

/// <summary>What a recording's replicas grain keeps (<see cref="ReplicaState"/>): the copy per location, and the failed attempts per target until a copy lands there.</summary>
public sealed class ReplicaStateTests
{
    private const string Hash = "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789";

    [Fact]
    public void FailuresAreCountedPerTargetUntilACopyLandsThere()
    {
        var state = new ReplicaState();
        state.Landed("node-a", Hash);
        state.Failed("node-b", "timeout");
        state.Failed("node-b", "refused");
        state.Failed("shared", "503");

        var before = state.Snapshot();
        Assert.Equal(2, before.Failures["node-b"]);
        Assert.Equal(1, before.Failures["shared"]);
        Assert.Equal("503", before.LastError);

        state.Landed("node-b", Hash);
        var after = state.Snapshot();
        Assert.False(after.Failures.ContainsKey("node-b"));
        Assert.Equal(1, after.Failures["shared"]);
        Assert.Equal(Hash.ToLowerInvariant(), after.Copies["node-b"]);
        Assert.Equal(["node-a", "node-b"], after.Copies.Keys.Order(StringComparer.Ordinal));
        // A snapshot is a copy: what came after does not change it.
        Assert.Equal(2, before.Failures["node-b"]);
    }

    [Fact]
    public void ARemovedCopyIsForgottenAndANewHashReplacesTheOld()
    {
        var state = new ReplicaState();
        state.Landed("node-a", Hash);
        state.Landed("shared", Hash);
        state.Removed("node-a");
        state.Landed("shared", "ff" + Hash[2..]);

        var snapshot = state.Snapshot();
        Assert.Equal(["shared"], snapshot.Copies.Keys);
        Assert.Equal("ff" + Hash[2..].ToLowerInvariant(), snapshot.Copies["shared"]);
    }
}
