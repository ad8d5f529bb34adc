using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Grains.Maintenance;

/// <summary>Checks operator input for <see cref="MaintenanceSettings"/> and normalizes it. Pure.</summary>
internal static class MaintenanceSettingsValidator
{
    public const int MaxRetentionDays = 36500;

    /// <summary>Longest schedule period: a reminder period must stay well inside Orleans' limits.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(30);

    /// <summary>
    /// The errors of <paramref name="settings"/> (empty when valid) and the normalized settings (a blank export folder
    /// becomes null). <paramref name="minimumPeriod"/> is the reminder service's minimum period.
    /// </summary>
    public static IReadOnlyList<MaintenanceValidationError> Validate(
        MaintenanceSettings settings, TimeSpan minimumPeriod, out MaintenanceSettings normalized)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<MaintenanceValidationError>();
        if (settings.RetentionDays is < 1 or > MaxRetentionDays)
        {
            errors.Add(new("retentionDays", $"Must be between 1 and {MaxRetentionDays} days."));
        }

        var folder = string.IsNullOrWhiteSpace(settings.ExportFolder) ? null : settings.ExportFolder.Trim();
        if (folder is not null && !Path.IsPathFullyQualified(folder))
        {
            errors.Add(new("exportFolder", "Must be an absolute path (or null to disable the export)."));
        }

        if (!ExportFileNamePattern.TryParse(settings.FileNamePattern, out _, out var patternError))
        {
            errors.Add(new("fileNamePattern", patternError));
        }

        CheckPeriod(settings.PurgePeriod, "purgePeriod", minimumPeriod, errors);
        CheckPeriod(settings.ExportPeriod, "exportPeriod", minimumPeriod, errors);
        normalized = settings with { ExportFolder = folder };
        return errors;
    }

    private static void CheckPeriod(TimeSpan period, string field, TimeSpan minimum, List<MaintenanceValidationError> errors)
    {
        if (period < minimum || period > MaxPeriod)
        {
            errors.Add(new(field, $"Must be between {minimum} and {MaxPeriod}."));
        }
    }
}
