using System.Net;
using Orleans.Runtime.Placement;
using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Tests.Unit.Cluster;

/// <summary>A call grain goes to a node other than the one that records the call, unless that node is alone.</summary>
public sealed class PeerNodePlacementDirectorTests
{
    private static readonly SiloAddress A = Silo(11111);
    private static readonly SiloAddress B = Silo(11112);
    private static readonly SiloAddress C = Silo(11113);

    [Fact]
    public async Task WithTwoNodesTheGrainGoesToTheOtherOne()
    {
        var director = new PeerNodePlacementDirector();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(A, await director.OnAddActivation(new PeerNodePlacement(), Target("rec-" + i), new Context(B, [A, B])));
            Assert.Equal(B, await director.OnAddActivation(new PeerNodePlacement(), Target("rec-" + i), new Context(A, [A, B])));
        }
    }

    [Fact]
    public async Task AloneTheNodeHostsItsOwnGrains() =>
        Assert.Equal(A, await new PeerNodePlacementDirector().OnAddActivation(new PeerNodePlacement(), Target("rec-1"), new Context(A, [A])));

    [Fact]
    public async Task WithThreeNodesGrainsSpreadOverThePeersAndTheChoiceIsStable()
    {
        var director = new PeerNodePlacementDirector();
        var chosen = new List<SiloAddress>();
        for (var i = 0; i < 40; i++)
        {
            var target = Target("rec-" + i);
            var first = await director.OnAddActivation(new PeerNodePlacement(), target, new Context(A, [A, B, C]));
            Assert.Equal(first, await director.OnAddActivation(new PeerNodePlacement(), target, new Context(A, [C, B, A])));
            chosen.Add(first);
        }

        Assert.DoesNotContain(A, chosen);
        Assert.Contains(B, chosen);
        Assert.Contains(C, chosen);
    }

    [Fact]
    public async Task AHintNamingACompatibleSiloWins()
    {
        var target = new PlacementTarget(GrainId.Create("call", "rec-1"), new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = B },
            GrainInterfaceType.Create("call"), 0);
        Assert.Equal(B, await new PeerNodePlacementDirector().OnAddActivation(new PeerNodePlacement(), target, new Context(B, [A, B])));
    }

    private static PlacementTarget Target(string key) =>
        new(GrainId.Create("call", key), [], GrainInterfaceType.Create("call"), 0);

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private sealed class Context(SiloAddress local, SiloAddress[] compatible) : IPlacementContext
    {
        public SiloAddress LocalSilo => local;

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => compatible;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = compatible };
    }
}
