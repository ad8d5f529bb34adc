namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>Silo metadata keys this product publishes (<c>UseSiloMetadata</c>), read by placement and the cluster view.</summary>
public static class NodeMetadata
{
    public const string Role = "recorder.role";
    public const string Node = "recorder.node";
    public const string Primary = "primary";
    public const string Backup = "backup";
}
