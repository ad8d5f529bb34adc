namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>How a maintenance run ended.</summary>
[GenerateSerializer, Alias("maintenance-result")]
public enum MaintenanceResult
{
    /// <summary>Every item was handled.</summary>
    Succeeded,

    /// <summary>The run stopped or some items failed; the message says why.</summary>
    Failed,

    /// <summary>Nothing to do by configuration (for example no export folder set).</summary>
    Skipped,
}
