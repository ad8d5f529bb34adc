using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/cluster</c>: every node, its role and health, and which node runs maintenance.</summary>
internal static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterApi(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetAsync).WithName("Cluster").WithTags("Cluster");
        return api;
    }

    private static async Task<Ok<ClusterDto>> GetAsync(ClusterView view, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ClusterDto(await view.GetNodesAsync(cancellationToken), MaintenanceNode: null));
}
