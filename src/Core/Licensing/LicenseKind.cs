namespace OrleansRecorder.Silo.Licensing;

/// <summary>What a node's licence evaluated to.</summary>
internal enum LicenseKind
{
    /// <summary>No licence file configured: a small evaluation allowance.</summary>
    Evaluation,

    /// <summary>A signed licence for this node and role, within its validity period.</summary>
    Valid,

    /// <summary>A licence file is configured but cannot be used: no channels, every new call gets 486.</summary>
    Invalid,
}
