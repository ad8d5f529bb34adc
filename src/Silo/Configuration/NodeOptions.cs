namespace OrleansRecorder.Silo.Configuration;

/// <summary>This node's identity in the cluster.</summary>
internal sealed class NodeOptions
{
    /// <summary>Silo name; defaults to the host name.</summary>
    public string? Name { get; set; }

    /// <summary><c>primary</c> or <c>backup</c>.</summary>
    public string Role { get; set; } = "primary";
}
