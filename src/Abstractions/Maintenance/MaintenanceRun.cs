namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>One run of a maintenance job, as recorded in the run history.</summary>
/// <param name="Job">Which job.</param>
/// <param name="Node">The node (silo name) that ran it.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="EndedAt">End (UTC).</param>
/// <param name="Result">How it ended.</param>
/// <param name="Done">Recordings deleted (purge) or exported (export, including ones already present and verified).</param>
/// <param name="Skipped">Recordings left alone: preserved (purge).</param>
/// <param name="Errors">Recordings that failed.</param>
/// <param name="Message">What an operator should know (first error, why it was skipped), or null.</param>
[GenerateSerializer, Immutable, Alias("maintenance-run")]
public sealed record MaintenanceRun(
    [property: Id(0)] MaintenanceJob Job,
    [property: Id(1)] string Node,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset EndedAt,
    [property: Id(4)] MaintenanceResult Result,
    [property: Id(5)] int Done,
    [property: Id(6)] int Skipped,
    [property: Id(7)] int Errors,
    [property: Id(8)] string? Message);
