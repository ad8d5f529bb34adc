using Orleans.Concurrency;

namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>
/// The cluster's single maintenance scheduler (key <see cref="MaintenanceKeys.Grain"/>): reminder-driven purge and
/// export, running on the primary node while it lives and on a backup otherwise.
/// </summary>
/// <remarks>
/// Settings, run history and the export checkpoint live in the cluster database, so a move to another silo loses
/// nothing. Runs can take long (a first export copies everything), hence the long response timeout on
/// <see cref="RunNowAsync"/>.
/// </remarks>
[Alias("maintenance")]
public interface IMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>Settings, the last run of each job and the node hosting this grain. Also schedules the reminders.</summary>
    [Alias("get-state")]
    Task<MaintenanceState> GetStateAsync();

    /// <summary>Validates and stores the settings and reschedules the jobs; returns the errors instead when invalid.</summary>
    [Alias("update-settings")]
    Task<MaintenanceSettingsUpdate> UpdateSettingsAsync(MaintenanceSettings settings);

    /// <summary>
    /// The node hosting this grain. Cheap (no database read): every node calls it every few seconds, which keeps the
    /// singleton active somewhere, so a backup takes over within seconds of the primary's death (not at the next tick).
    /// </summary>
    [Alias("host-node")]
    [AlwaysInterleave]
    Task<string> GetHostNodeAsync();

    /// <summary>Runs <paramref name="job"/> now, on the node hosting this grain, and returns the recorded run.</summary>
    [Alias("run-now")]
    [ResponseTimeout("00:30:00")]
    Task<MaintenanceRun> RunNowAsync(MaintenanceJob job);
}
