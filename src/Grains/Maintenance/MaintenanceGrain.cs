using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Grains.Maintenance;

/// <summary>
/// The maintenance singleton (see <see cref="IMaintenanceGrain"/>). Thin: it schedules, guards ticks, delegates the
/// work to <see cref="IMaintenanceJobs"/> and records each run through <see cref="IMaintenanceStore"/>.
/// </summary>
/// <remarks>
/// Placement puts it on the primary when that silo is active, else on a backup. Every tick first checks whether this
/// silo is still the preferred one and, if not, asks Orleans to migrate the grain once the tick completes (failback).
/// The tick still runs its job here: the jobs are idempotent, and a job must never starve because placement and this
/// check briefly disagree (for example while silo metadata is still being fetched).
/// </remarks>
[PrimaryNodePlacement]
internal sealed class MaintenanceGrain(
    IMaintenanceStore store,
    IMaintenanceJobs jobs,
    IMaintenanceNode node,
    IOptions<ReminderOptions> reminderOptions,
    TimeProvider timeProvider,
    ILogger<MaintenanceGrain> logger) : Grain, IMaintenanceGrain, IRemindable
{
    private static readonly MaintenanceJob[] Jobs = [MaintenanceJob.Purge, MaintenanceJob.Export];

    private static readonly TimeSpan PlacementCheckPeriod = TimeSpan.FromSeconds(2);

    private MaintenanceSettings _settings = MaintenanceSettings.Default;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _settings = await store.GetSettingsAsync(cancellationToken) ?? MaintenanceSettings.Default;
        foreach (var job in Jobs)
        {
            // Reminders are durable: register only the missing ones so that a move does not shift the schedule.
            if (await this.GetReminder(MaintenanceKeys.NameOf(job)) is null)
            {
                await ScheduleAsync(job);
            }
        }

        // Failback does not wait for the next (hourly) tick: the preferred silo is checked every few seconds.
        this.RegisterGrainTimer(CheckPlacementAsync, PlacementCheckPeriod, PlacementCheckPeriod);
        MaintenanceLog.Activated(logger, node.Name);
    }

    public Task<string> GetHostNodeAsync() => Task.FromResult(node.Name);

    public async Task<MaintenanceState> GetStateAsync() => new(
        _settings,
        await store.GetLastRunAsync(MaintenanceJob.Purge, CancellationToken.None),
        await store.GetLastRunAsync(MaintenanceJob.Export, CancellationToken.None),
        node.Name);

    public async Task<MaintenanceSettingsUpdate> UpdateSettingsAsync(MaintenanceSettings settings)
    {
        var errors = MaintenanceSettingsValidator.Validate(settings, reminderOptions.Value.MinimumReminderPeriod, out var normalized);
        if (errors.Count > 0)
        {
            return new MaintenanceSettingsUpdate(null, errors);
        }

        await store.SaveSettingsAsync(normalized, CancellationToken.None);
        _settings = normalized;
        foreach (var job in Jobs)
        {
            await ScheduleAsync(job);
        }

        MaintenanceLog.SettingsUpdated(logger, normalized.RetentionDays, normalized.ExportFolder, normalized.PurgePeriod, normalized.ExportPeriod);
        return new MaintenanceSettingsUpdate(await GetStateAsync(), []);
    }

    public Task<MaintenanceRun> RunNowAsync(MaintenanceJob job) => RunAsync(job);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!MaintenanceKeys.TryParse(reminderName, out var job))
        {
            MaintenanceLog.UnknownReminder(logger, reminderName);
            return;
        }

        if (!node.IsPreferred())
        {
            MaintenanceLog.Migrating(logger, node.Name);
            MigrateOnIdle();
        }

        var last = await store.GetLastRunAsync(job, CancellationToken.None);
        if (MaintenanceSchedule.IsDuplicateTick(last, _settings.PeriodOf(job), timeProvider.GetUtcNow()))
        {
            MaintenanceLog.DuplicateTick(logger, job, last!.StartedAt);
            return;
        }

        await RunAsync(job);
    }

    private async Task<MaintenanceRun> RunAsync(MaintenanceJob job)
    {
        var run = await jobs.RunAsync(job, _settings, CancellationToken.None);
        await store.AddRunAsync(run, CancellationToken.None);
        MaintenanceLog.Ran(logger, job, run.Node, run.Result, run.Done, run.Skipped, run.Errors, run.Message);
        return run;
    }

    private Task CheckPlacementAsync(CancellationToken cancellationToken)
    {
        if (!node.IsPreferred())
        {
            // The primary is back: move there once idle (ORLEANS.md §1.6).
            MaintenanceLog.Migrating(logger, node.Name);
            MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    private Task ScheduleAsync(MaintenanceJob job)
    {
        var period = _settings.PeriodOf(job);
        return this.RegisterOrUpdateReminder(MaintenanceKeys.NameOf(job), period, period);
    }
}
