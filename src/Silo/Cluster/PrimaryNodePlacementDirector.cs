using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>
/// Places <see cref="PrimaryNodePlacement"/> grains: a valid placement hint first (operator moves, test harness
/// migrations), else <see cref="PrimaryNodeSelector"/> over the compatible silos and their <c>recorder.role</c>.
/// </summary>
/// <remarks>A keyed singleton called concurrently: stateless apart from the thread-safe metadata cache.</remarks>
internal sealed class PrimaryNodePlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compatible = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hint)
        {
            return Task.FromResult(hint);
        }

        return Task.FromResult(PrimaryNodeSelector.Choose(compatible, RoleOf));
    }

    /// <summary>The silo's role from the metadata cache, null while the cache has not fetched it.</summary>
    internal string? RoleOf(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo)?.Metadata.GetValueOrDefault(RecorderSiloMetadata.RoleKey);
}
