namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>One rejected setting: the field (camelCase, as in the REST API) and why.</summary>
[GenerateSerializer, Immutable, Alias("maintenance-validation-error")]
public sealed record MaintenanceValidationError(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message);
