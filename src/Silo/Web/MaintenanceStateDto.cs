using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/maintenance</c>: settings, the last run of each job, and the node running maintenance now.</summary>
internal sealed record MaintenanceStateDto(
    MaintenanceSettingsDto Settings,
    MaintenanceRunDto? LastPurge,
    MaintenanceRunDto? LastExport,
    string MaintenanceNode)
{
    public static MaintenanceStateDto From(MaintenanceState state) => new(
        MaintenanceSettingsDto.From(state.Settings),
        state.LastPurge is null ? null : MaintenanceRunDto.From(state.LastPurge),
        state.LastExport is null ? null : MaintenanceRunDto.From(state.LastExport),
        state.HostNode);
}
