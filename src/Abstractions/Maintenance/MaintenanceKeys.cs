namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>Names shared by the maintenance grain, its callers and the database.</summary>
public static class MaintenanceKeys
{
    /// <summary>The key of the single <see cref="IMaintenanceGrain"/>.</summary>
    public const string Grain = "maintenance";

    /// <summary>The reminder (and job) name of <paramref name="job"/>: <c>purge</c> or <c>export</c>.</summary>
    public static string NameOf(MaintenanceJob job) => job switch
    {
        MaintenanceJob.Purge => "purge",
        MaintenanceJob.Export => "export",
        _ => throw new ArgumentOutOfRangeException(nameof(job), job, null),
    };

    /// <summary>Parses <c>purge</c> or <c>export</c> (case-insensitive).</summary>
    public static bool TryParse(string? name, out MaintenanceJob job)
    {
        if (string.Equals(name, "purge", StringComparison.OrdinalIgnoreCase))
        {
            job = MaintenanceJob.Purge;
            return true;
        }

        job = MaintenanceJob.Export;
        return string.Equals(name, "export", StringComparison.OrdinalIgnoreCase);
    }
}
