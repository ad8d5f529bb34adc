using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>The silo metadata every node publishes (<c>UseSiloMetadata</c>), read by placement.</summary>
internal static class RecorderSiloMetadata
{
    /// <summary><c>primary</c> or <c>backup</c>.</summary>
    public const string RoleKey = NodeMetadata.Role;

    /// <summary>The node name (also the silo name).</summary>
    public const string NodeKey = NodeMetadata.Node;

    public const string Primary = NodeMetadata.Primary;
    public const string Backup = NodeMetadata.Backup;

    /// <summary>The metadata of a node: pass to <c>siloBuilder.UseSiloMetadata(...)</c>.</summary>
    public static Dictionary<string, string> For(string nodeName, string role) => new(StringComparer.Ordinal)
    {
        [RoleKey] = role.Trim().ToLowerInvariant(),
        [NodeKey] = nodeName,
    };
}
