namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>The outcome of <see cref="IMaintenanceGrain.UpdateSettingsAsync"/>: the new state, or the validation errors.</summary>
[GenerateSerializer, Immutable, Alias("maintenance-settings-update")]
public sealed record MaintenanceSettingsUpdate(
    [property: Id(0)] MaintenanceState? State,
    [property: Id(1)] IReadOnlyList<MaintenanceValidationError> Errors)
{
    public bool Accepted => Errors.Count == 0;
}
