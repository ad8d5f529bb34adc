using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>What a job reports; <see cref="MaintenanceJobs"/> adds node and times to make a <see cref="MaintenanceRun"/>.</summary>
internal sealed record JobOutcome(MaintenanceResult Result, int Done, int Skipped, int Errors, string? Message)
{
    public static JobOutcome Failed(string message) => new(MaintenanceResult.Failed, 0, 0, 0, message);
}
