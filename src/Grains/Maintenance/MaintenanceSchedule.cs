using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Grains.Maintenance;

/// <summary>Tick rules of the maintenance reminders. Pure.</summary>
internal static class MaintenanceSchedule
{
    /// <summary>
    /// True when a tick arrives within half a period of the job's last start: reminder ticks can be duplicated while
    /// reminder ownership or the grain moves, and such a tick is dropped (the jobs are idempotent anyway; this saves
    /// the repeated work).
    /// </summary>
    public static bool IsDuplicateTick(MaintenanceRun? last, TimeSpan period, DateTimeOffset now) =>
        last is not null && now >= last.StartedAt && now - last.StartedAt < period / 2;
}
