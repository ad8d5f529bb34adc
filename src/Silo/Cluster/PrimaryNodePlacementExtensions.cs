using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>Silo wiring for <see cref="PrimaryNodePlacement"/>.</summary>
internal static class PrimaryNodePlacementExtensions
{
    /// <summary>
    /// Publishes this node's <c>recorder.role</c> and <c>recorder.node</c> as silo metadata and registers
    /// <see cref="PrimaryNodePlacementDirector"/>. Call on every silo.
    /// </summary>
    public static ISiloBuilder UsePrimaryNodePlacement(this ISiloBuilder silo, string nodeName, string role)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.UseSiloMetadata(RecorderSiloMetadata.For(nodeName, role));
        silo.AddPlacementDirector<PrimaryNodePlacement, PrimaryNodePlacementDirector>();
        return silo;
    }
}
