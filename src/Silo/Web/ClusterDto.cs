using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Silo.Web;

/// <summary>The cluster view (ARCHITECTURE.md, <c>GET /cluster</c>).</summary>
internal sealed record ClusterDto(IReadOnlyList<NodeStatus> Nodes, string? MaintenanceNode);
