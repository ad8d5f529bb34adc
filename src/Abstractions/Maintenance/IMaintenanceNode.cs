namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>This silo as the maintenance grain sees it. Implemented by the silo (membership and silo metadata).</summary>
public interface IMaintenanceNode
{
    /// <summary>This node's name (the silo name).</summary>
    string Name { get; }

    /// <summary>
    /// True when this silo is the one <see cref="PrimaryNodePlacement"/> would choose now among the active silos; the
    /// grain migrates when false (failback to the primary).
    /// </summary>
    bool IsPreferred();
}
