namespace OrleansRecorder.Silo.Admin;

/// <summary>What a store verification found and repaired.</summary>
internal sealed class VerifyReport
{
    /// <summary>Manifests found in the store.</summary>
    public long Checked { get; set; }

    /// <summary>Audio files present with the manifest's size and SHA-256.</summary>
    public long Good { get; set; }

    /// <summary>Audio files absent (before any repair).</summary>
    public long Missing { get; set; }

    /// <summary>Audio files with another size or SHA-256 than the manifest's (before any repair).</summary>
    public long Corrupt { get; set; }

    /// <summary>Missing or corrupt audio files replaced by a good copy from the repair source.</summary>
    public long Repaired { get; set; }

    /// <summary>Manifests that could not be used, with the reason (their audio cannot be checked).</summary>
    public List<(string Name, string Problem)> InvalidManifests { get; } = [];

    /// <summary>Audio files still missing or corrupt after the run, with the reason.</summary>
    public List<(string Name, string Problem)> StillBad { get; } = [];

    /// <summary>True when the manifests' seals and chains were checked (public keys given).</summary>
    public bool ChainsChecked { get; set; }

    /// <summary>Manifests whose signature holds.</summary>
    public long Signed { get; set; }

    /// <summary>Recordings changed, removed, reordered or inserted, found by the seals and the chains.</summary>
    public List<Integrity.ChainFinding> Recordings { get; } = [];

    /// <summary>Removals of recordings the catalog has a tombstone for (deleted through the recorder), with the tombstone.</summary>
    public List<(string Name, string Problem)> Deleted { get; } = [];

    /// <summary>True when the audit chain was checked (a database given).</summary>
    public bool AuditChecked { get; set; }

    /// <summary>Audit entries in the chain.</summary>
    public long AuditEntries { get; set; }

    /// <summary>Audit entries written before the chain began (migration 5), not checked.</summary>
    public long AuditUnchained { get; set; }

    /// <summary>Audit entries changed, removed, reordered or inserted.</summary>
    public List<Integrity.ChainFinding> Audit { get; } = [];

    /// <summary>The newest signed checkpoint of each recording chain found in the audit log, by signing key.</summary>
    public Dictionary<string, Integrity.ChainState> Checkpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>True when every manifest is valid, every audio file is good now, and no chain was tampered with.</summary>
    public bool IsHealthy => InvalidManifests.Count == 0 && StillBad.Count == 0 && Recordings.Count == 0 && Audit.Count == 0;
}
