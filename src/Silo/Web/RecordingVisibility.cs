using System.Security.Claims;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Looks a recording up for a caller: null when it does not exist or the caller may not see it, so a 404 never tells
/// which of the two (no existence leak).
/// </summary>
internal static class RecordingVisibility
{
    public static async Task<RecordingManifest?> FindAsync(
        string id, IRecordingCatalog catalog, RecordingAccess access, ClaimsPrincipal principal, CancellationToken ct)
    {
        var manifest = await catalog.GetAsync(id, ct);
        if (manifest is null)
        {
            return null;
        }

        var scope = await access.ScopeAsync(principal, ct);
        return scope is null || scope.Allows(manifest.NearEnd.Number, manifest.NearEnd.Device, manifest.FarEnd.Number, manifest.FarEnd.Device)
            ? manifest
            : null;
    }
}
