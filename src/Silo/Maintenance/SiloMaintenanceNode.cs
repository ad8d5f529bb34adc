using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// This silo for the maintenance grain: its name, and whether <see cref="PrimaryNodeSelector"/> would choose it among
/// the active members now (the same rule as <see cref="PrimaryNodePlacementDirector"/>).
/// </summary>
internal sealed class SiloMaintenanceNode(
    ILocalSiloDetails local, IClusterMembershipService membership, ISiloMetadataCache metadata) : IMaintenanceNode
{
    public string Name => local.Name;

    public bool IsPreferred()
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .ToArray();
        if (active.Length == 0)
        {
            return true; // nothing to compare with: stay
        }

        var preferred = PrimaryNodeSelector.Choose(
            active, silo => metadata.GetSiloMetadata(silo)?.Metadata.GetValueOrDefault(RecorderSiloMetadata.RoleKey));
        return preferred.Equals(local.SiloAddress);
    }
}
