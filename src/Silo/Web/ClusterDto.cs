using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Silo.Web;

/// <summary>The cluster view (ARCHITECTURE.md, <c>GET /cluster</c>); <c>Bandwidth</c> is null until something was recorded.</summary>
internal sealed record ClusterDto(IReadOnlyList<NodeStatus> Nodes, string? MaintenanceNode, BandwidthDto? Bandwidth);
