using System.Globalization;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// What the health answer and the diagnostics show of the catalog: how many finalized recordings wait on disk for their
/// catalog row, and since when the cluster database has not answered (null while it answers).
/// </summary>
internal sealed record CatalogIndexStatus(int Pending, DateTimeOffset? UnreachableSince, string? LastError)
{
    /// <summary>A sentence for an operator when something is wrong, else null.</summary>
    public string? Warning => (UnreachableSince, Pending) switch
    {
        ({ } since, _) => string.Create(CultureInfo.InvariantCulture,
            $"cluster database unreachable since {since:u} ({LastError}); still recording: {Pending} finished recordings kept on disk, indexed when it answers"),
        (null, > 0) => string.Create(CultureInfo.InvariantCulture, $"{Pending} finished recordings waiting to be indexed in the catalog"),
        _ => null,
    };
}
