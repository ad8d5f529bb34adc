namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>The operator's maintenance settings, stored in the cluster database.</summary>
/// <param name="RetentionDays">Recordings that started more than this many days ago are purged (preserved ones stay).</param>
/// <param name="ExportFolder">Absolute folder the export copies recordings to; null disables the export.</param>
/// <param name="FileNamePattern">Export file name without extension: <c>{date:yyyyMMdd}</c>, <c>{time:HHmmss}</c>,
/// <c>{near}</c>, <c>{far}</c>, <c>{id}</c> (required, keeps names unique); times are UTC.</param>
/// <param name="PurgePeriod">How often the purge runs.</param>
/// <param name="ExportPeriod">How often the export runs.</param>
[GenerateSerializer, Immutable, Alias("maintenance-settings")]
public sealed record MaintenanceSettings(
    [property: Id(0)] int RetentionDays,
    [property: Id(1)] string? ExportFolder,
    [property: Id(2)] string FileNamePattern,
    [property: Id(3)] TimeSpan PurgePeriod,
    [property: Id(4)] TimeSpan ExportPeriod)
{
    /// <summary>What a new cluster starts with: keep 90 days, no export, purge daily, export hourly.</summary>
    public static MaintenanceSettings Default { get; } = new(
        90, null, "{date:yyyyMMdd}-{time:HHmmss}_{near}_{far}_{id}", TimeSpan.FromDays(1), TimeSpan.FromHours(1));

    /// <summary>The period of <paramref name="job"/>.</summary>
    public TimeSpan PeriodOf(MaintenanceJob job) => job == MaintenanceJob.Purge ? PurgePeriod : ExportPeriod;
}
