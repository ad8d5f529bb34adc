using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Grains.Maintenance;

namespace OrleansRecorder.Tests.Unit.Maintenance;

public sealed class MaintenanceSettingsValidatorTests
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);

    [Fact]
    public void TheDefaultsAreValid() =>
        Assert.Empty(MaintenanceSettingsValidator.Validate(MaintenanceSettings.Default, Minimum, out _));

    [Fact]
    public void ABlankExportFolderDisablesTheExport()
    {
        Assert.Empty(MaintenanceSettingsValidator.Validate(MaintenanceSettings.Default with { ExportFolder = "  " }, Minimum, out var normalized));
        Assert.Null(normalized.ExportFolder);
    }

    [Fact]
    public void EveryBadFieldIsNamed()
    {
        var errors = MaintenanceSettingsValidator.Validate(
            new MaintenanceSettings(0, "relative/path", "{date}", TimeSpan.FromSeconds(5), TimeSpan.FromDays(365)), Minimum, out _);
        Assert.Equal(["retentionDays", "exportFolder", "fileNamePattern", "purgePeriod", "exportPeriod"], errors.Select(e => e.Field));
    }

    [Fact]
    public void TheMinimumPeriodComesFromTheReminderService() =>
        Assert.Empty(MaintenanceSettingsValidator.Validate(
            MaintenanceSettings.Default with { PurgePeriod = TimeSpan.FromSeconds(1), ExportPeriod = TimeSpan.FromSeconds(1) },
            TimeSpan.FromSeconds(1), out _));

    [Fact]
    public void ATickWithinHalfAPeriodOfTheLastRunIsADuplicate()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var last = new MaintenanceRun(MaintenanceJob.Purge, "n", start, start, MaintenanceResult.Succeeded, 0, 0, 0, null);
        Assert.True(MaintenanceSchedule.IsDuplicateTick(last, TimeSpan.FromHours(1), start.AddMinutes(29)));
        Assert.False(MaintenanceSchedule.IsDuplicateTick(last, TimeSpan.FromHours(1), start.AddMinutes(31)));
        Assert.False(MaintenanceSchedule.IsDuplicateTick(null, TimeSpan.FromHours(1), start));
    }
}
