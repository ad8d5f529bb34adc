using System.Collections.Immutable;
using System.Net;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>Cluster membership of one active silo, this node: no peers, so the shared store is the only target.</summary>
internal sealed class SoloMembership : IClusterMembershipService
{
    public SoloMembership(string name)
    {
        var self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        CurrentSnapshot = new ClusterMembershipSnapshot(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(self, new ClusterMember(self, SiloStatus.Active, name)),
            new MembershipVersion(1));
    }

    public ClusterMembershipSnapshot CurrentSnapshot { get; }

    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => Updates();

    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);

    private async IAsyncEnumerable<ClusterMembershipSnapshot> Updates([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return CurrentSnapshot;
        // No change ever: wait until the service stops.
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
    }
}
