using Orleans.Runtime.Placement;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>
/// Puts a <see cref="Abstractions.Cluster.PeerNodePlacement"/> grain on a compatible silo other than the calling one,
/// picked by the grain id's uniform hash among them (deterministic for a given membership, spread over the peers); on
/// the calling silo when it is alone. A placement hint (operator move, tests) wins when it names a compatible silo.
/// </summary>
internal sealed class PeerNodePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compatible = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hint)
        {
            return Task.FromResult(hint);
        }

        var peers = compatible.Where(s => !s.Equals(context.LocalSilo)).Order().ToArray();
        return Task.FromResult(peers.Length == 0
            ? context.LocalSilo
            : peers[(int)(target.GrainIdentity.GetUniformHashCode() % (uint)peers.Length)]);
    }
}
