namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>The cluster-wide maintenance jobs; each is driven by a reminder of the same (lower-case) name.</summary>
[GenerateSerializer, Alias("maintenance-job")]
public enum MaintenanceJob
{
    /// <summary>Deletes recordings older than the retention period.</summary>
    Purge,

    /// <summary>Copies newly finalized recordings to the export folder.</summary>
    Export,
}
