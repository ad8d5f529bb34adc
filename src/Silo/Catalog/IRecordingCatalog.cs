using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The recordings table of the cluster database (SQLite embedded, PostgreSQL in production).</summary>
internal interface IRecordingCatalog
{
    /// <summary>Creates the table and its indexes if missing (idempotent).</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Adds or replaces the recording with the manifest's id (idempotent).</summary>
    Task AddAsync(RecordingManifest manifest, CancellationToken ct);

    /// <summary>The manifest exactly as added, or null.</summary>
    Task<RecordingManifest?> GetAsync(string id, CancellationToken ct);

    /// <summary>Filters, newest first, paged.</summary>
    Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct);
}
