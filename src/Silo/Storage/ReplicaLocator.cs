using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Reads the copies recorded as they landed (<see cref="CatalogReplicas"/>): one query per list, no call to a node or
/// the shared store. A node's copy is listed while that node is active in the cluster, as a copy one can be served
/// from; the shared store's always.
/// </summary>
internal sealed class ReplicaLocator(IRecordingCatalog catalog, IClusterMembershipService membership) : IReplicaLocator
{
    public const string Shared = CatalogReplicas.Shared;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> LocateAsync(
        IReadOnlyCollection<RecordingManifest> manifests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var recorded = await catalog.Replicas.GetAsync([.. manifests.Select(m => m.Id)], cancellationToken);
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);
        return manifests.Select(m => m.Id).Distinct(StringComparer.Ordinal).ToDictionary(
            id => id,
            id => (IReadOnlyList<string>)(recorded.TryGetValue(id, out var locations)
                ? [.. locations.Where(l => l == Shared || active.Contains(l))]
                : []),
            StringComparer.Ordinal);
    }
}
