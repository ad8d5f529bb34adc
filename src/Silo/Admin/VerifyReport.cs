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

    /// <summary>True when every manifest is valid and every audio file is good now.</summary>
    public bool IsHealthy => InvalidManifests.Count == 0 && StillBad.Count == 0;
}
