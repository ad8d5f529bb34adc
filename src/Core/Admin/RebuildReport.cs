namespace OrleansRecorder.Silo.Admin;

/// <summary>What a catalog rebuild did, manifest by manifest.</summary>
internal sealed class RebuildReport
{
    /// <summary>Manifests found in the store.</summary>
    public long Read { get; set; }

    /// <summary>Valid manifests that were not in the catalog and now are.</summary>
    public long Added { get; set; }

    /// <summary>Valid manifests whose id the catalog already had (left as they were).</summary>
    public long AlreadyPresent { get; set; }

    /// <summary>Valid manifests of recordings that were deleted (tombstoned): not brought back.</summary>
    public long SkippedTombstoned { get; set; }

    /// <summary>Manifests that could not be used, with the reason.</summary>
    public List<(string Name, string Problem)> Invalid { get; } = [];
}
