using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Catalog;
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

    /// <summary>Recordings the bandwidth figure is measured over (the newest).</summary>
    private const int BandwidthSample = 200;

    private static async Task<Ok<ClusterDto>> GetAsync(ClusterView view, IGrainFactory grains, IRecordingCatalog catalog, CancellationToken cancellationToken)
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

        return TypedResults.Ok(new ClusterDto(nodes, maintenanceNode, await BandwidthAsync(catalog, nodes, cancellationToken)));
    }

    private static async Task<BandwidthDto?> BandwidthAsync(IRecordingCatalog catalog, IReadOnlyList<NodeStatus> nodes, CancellationToken cancellationToken)
    {
        RecordingPage newest;
        try
        {
            newest = await catalog.QueryAsync(new RecordingQuery(null, null, null, null, null, 1, BandwidthSample), cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException)
        {
            // The cluster database is down: the node list above still answers.
            return null;
        }

        var seconds = newest.Items.Sum(r => r.DurationSeconds);
        if (seconds <= 0)
        {
            return null;
        }

        var perHour = newest.Items.Sum(r => (double)r.SizeBytes) * 3600 / seconds;
        var channels = nodes.Count == 0 ? 0 : nodes.Max(n => n.LicensedChannels);
        return new BandwidthDto(Math.Round(perHour), newest.Items.Count, Math.Round(perHour * channels));
    }
}
