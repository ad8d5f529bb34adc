using System.Globalization;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Maintenance settings in the REST API. Periods are <c>[d.]hh:mm:ss</c> strings (for example <c>"1.00:00:00"</c>);
/// every field but <c>exportFolder</c> (null disables the export) is required in a PUT.
/// </summary>
internal sealed record MaintenanceSettingsDto(
    int? RetentionDays,
    string? ExportFolder,
    string? FileNamePattern,
    string? PurgePeriod,
    string? ExportPeriod)
{
    public static MaintenanceSettingsDto From(MaintenanceSettings settings) => new(
        settings.RetentionDays,
        settings.ExportFolder,
        settings.FileNamePattern,
        settings.PurgePeriod.ToString("c", CultureInfo.InvariantCulture),
        settings.ExportPeriod.ToString("c", CultureInfo.InvariantCulture));

    /// <summary>The settings, or the input errors (missing fields, unparsable periods) by field name.</summary>
    public MaintenanceSettings? ToSettings(Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (RetentionDays is null)
        {
            errors["retentionDays"] = ["Required."];
        }

        if (FileNamePattern is null)
        {
            errors["fileNamePattern"] = ["Required."];
        }

        var purge = ParsePeriod(PurgePeriod, "purgePeriod", errors);
        var export = ParsePeriod(ExportPeriod, "exportPeriod", errors);
        return errors.Count > 0
            ? null
            : new MaintenanceSettings(RetentionDays!.Value, ExportFolder, FileNamePattern!, purge, export);
    }

    private static TimeSpan ParsePeriod(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            errors[field] = ["Required."];
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var period))
        {
            return period;
        }
        else
        {
            errors[field] = ["Not a period: use [d.]hh:mm:ss, for example \"01:00:00\"."];
        }

        return TimeSpan.Zero;
    }
}
