using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/cluster</c>: every node, its role and health, and which node runs maintenance.</summary>
internal static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterApi(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetAsync).WithName("Cluster").WithTags("Cluster").RequireAuthorization(Security.RecorderPolicies.Operations);
        return api;
    }

    private static async Task<Ok<ClusterDto>> GetAsync(ClusterView view, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var nodes = await view.GetNodesAsync(cancellationToken);
        string? maintenanceNode;
        try
        {
            // Asking activates the grain where placement puts it: the primary while it lives, else a backup.
            maintenanceNode = await grains.GetGrain<IMaintenanceGrain>(MaintenanceKeys.Grain).GetHostNodeAsync()
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // The host just died and is not yet declared dead; the view does not wait for it.
            maintenanceNode = null;
        }

        return TypedResults.Ok(new ClusterDto(nodes, maintenanceNode));
    }
}
