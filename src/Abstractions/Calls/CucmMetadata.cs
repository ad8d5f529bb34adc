namespace OrleansRecorder.Abstractions.Calls;

/// <summary>
/// The CUCM recording metadata carried as From-URI parameters of each recording dialog (PROTOCOL.md §1.4), plus the
/// recording profile (Request-URI user). Every field is optional: older CUCM releases send only near-end data.
/// </summary>
[GenerateSerializer, Immutable, Alias("cucm-metadata")]
public sealed record CucmMetadata
{
    [Id(0)] public string? RefCi { get; init; }
    [Id(1)] public string? NearEndAddress { get; init; }
    [Id(2)] public string? NearEndDevice { get; init; }
    [Id(3)] public string? NearEndClusterId { get; init; }
    [Id(4)] public string? FarEndRefCi { get; init; }
    [Id(5)] public string? FarEndAddress { get; init; }
    [Id(6)] public string? FarEndDevice { get; init; }
    [Id(7)] public string? FarEndClusterId { get; init; }
    [Id(8)] public string? FarEndGuid { get; init; }
    [Id(9)] public string? Profile { get; init; }

    /// <summary>This metadata with every non-null value of <paramref name="update"/> applied: an UPDATE after a transfer brings new far-end data.</summary>
    public CucmMetadata MergedWith(CucmMetadata update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new()
        {
            RefCi = update.RefCi ?? RefCi,
            NearEndAddress = update.NearEndAddress ?? NearEndAddress,
            NearEndDevice = update.NearEndDevice ?? NearEndDevice,
            NearEndClusterId = update.NearEndClusterId ?? NearEndClusterId,
            FarEndRefCi = update.FarEndRefCi ?? FarEndRefCi,
            FarEndAddress = update.FarEndAddress ?? FarEndAddress,
            FarEndDevice = update.FarEndDevice ?? FarEndDevice,
            FarEndClusterId = update.FarEndClusterId ?? FarEndClusterId,
            FarEndGuid = update.FarEndGuid ?? FarEndGuid,
            Profile = update.Profile ?? Profile,
        };
    }
}
