using Orleans.Runtime.Placement;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>
/// Puts a <see cref="Abstractions.Cluster.SiloNamePlacement"/> grain on the active silo named by its key (the newest
/// generation when a restarted node still has its old row); fails the call when that node is not active.
/// </summary>
internal sealed class SiloNamePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = target.GrainIdentity.Key.ToString();
        var compatible = context.GetCompatibleSilos(target);
        SiloAddress? match = null;
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && member.Name == name && compatible.Contains(member.SiloAddress)
                && (match is null || member.SiloAddress.Generation > match.Generation))
            {
                match = member.SiloAddress;
            }
        }

        return match is not null
            ? Task.FromResult(match)
            : throw new OrleansException($"No active node named '{name}'.");
    }
}
