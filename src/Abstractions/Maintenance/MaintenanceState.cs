namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>What <see cref="IMaintenanceGrain.GetStateAsync"/> reports.</summary>
/// <param name="Settings">Current settings.</param>
/// <param name="LastPurge">The latest purge run, or null if none ran yet.</param>
/// <param name="LastExport">The latest export run, or null if none ran yet.</param>
/// <param name="HostNode">The node (silo name) hosting the maintenance grain now.</param>
[GenerateSerializer, Immutable, Alias("maintenance-state")]
public sealed record MaintenanceState(
    [property: Id(0)] MaintenanceSettings Settings,
    [property: Id(1)] MaintenanceRun? LastPurge,
    [property: Id(2)] MaintenanceRun? LastExport,
    [property: Id(3)] string HostNode);
