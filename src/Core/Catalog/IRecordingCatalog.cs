using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The recordings table of the cluster database (SQLite embedded, PostgreSQL in production).</summary>
internal interface IRecordingCatalog
{
    /// <summary>The dashboard's aggregates over the same database.</summary>
    CatalogStats Stats { get; }

    /// <summary>Where each recording's copies are, recorded as they land (migration 7's <c>Replicas</c>).</summary>
    CatalogReplicas Replicas { get; }

    /// <summary>Applies the schema migrations the database lacks, each once (safe to call at every start, on every node).</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>One round trip to the database: throws when it does not answer (the pending-index pass's probe).</summary>
    Task PingAsync(CancellationToken ct);

    /// <summary>Adds or replaces the recording with the manifest's id (idempotent).</summary>
    Task AddAsync(RecordingManifest manifest, CancellationToken ct);

    /// <summary>
    /// As <see cref="AddAsync(RecordingManifest, CancellationToken)"/>, and in the same transaction records the copy at
    /// <paramref name="copyAt"/> (the node that finalized it, null for none) as landed and stores the recording's
    /// <paramref name="dataKey"/> (as <see cref="AddDataKeyAsync"/>; null for none).
    /// </summary>
    Task AddAsync(RecordingManifest manifest, string? copyAt, WrappedDataKey? dataKey, CancellationToken ct);

    /// <summary>The manifest exactly as added, or null.</summary>
    Task<RecordingManifest?> GetAsync(string id, CancellationToken ct);

    /// <summary>Filters, newest first, paged; with <see cref="RecordingQuery.GroupByCall"/> one item (its earliest matching part) per group.</summary>
    Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct);

    /// <summary>The recordings of one call (<see cref="RecordingGroups"/>) in start order; null when there is no such group.</summary>
    Task<RecordingGroup?> GetGroupAsync(string groupId, CancellationToken ct);

    /// <summary>The groups of <paramref name="recordingIds"/> (each group once, with all its parts in start order).</summary>
    Task<IReadOnlyList<RecordingGroup>> GetGroupsOfAsync(IReadOnlyCollection<string> recordingIds, CancellationToken ct);

    /// <summary>Removes the recording's row; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken ct);

    /// <summary>Records that a recording was deleted (delete or purge), so no store brings it back; idempotent.</summary>
    Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, CancellationToken ct);

    /// <summary>
    /// The tombstone and, in the same transaction, the destruction of the recording's data key (crypto-shredding):
    /// every copy of an encrypted recording is unreadable from the commit on. The tombstone keeps who, when, why.
    /// </summary>
    Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, string? actor, CancellationToken ct);

    /// <summary>The proof of erasure of a deleted recording, or null.</summary>
    Task<CatalogTombstone?> GetTombstoneAsync(string id, CancellationToken ct);

    /// <summary>Stores (or replaces) a recording's wrapped data key; not for a tombstoned id (it is erased at once).</summary>
    Task AddDataKeyAsync(string id, WrappedDataKey key, CancellationToken ct);

    /// <summary>The recording's wrapped data key, or null (a plain recording, or erased).</summary>
    Task<WrappedDataKey?> GetDataKeyAsync(string id, CancellationToken ct);

    /// <summary>Wrapped data keys ordered by id, after <paramref name="afterId"/> (keyset paging; for KEK rotation).</summary>
    Task<IReadOnlyList<(string Id, WrappedDataKey Key)>> ListDataKeysAsync(string? afterId, int limit, CancellationToken ct);

    /// <summary>Replaces a wrapped data key if it is still wrapped by <paramref name="expectedKekId"/>; false otherwise (erased or rewrapped meanwhile).</summary>
    Task<bool> ReplaceDataKeyAsync(string id, string expectedKekId, WrappedDataKey key, CancellationToken ct);

    /// <summary>Which of <paramref name="ids"/> were deleted.</summary>
    Task<IReadOnlySet<string>> GetTombstonedAsync(IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>How many tombstones there are: they are never removed, so a change means a recording was deleted.</summary>
    Task<long> CountTombstonesAsync(CancellationToken ct);

    /// <summary>Marks a recording as preserved (the purge keeps it) or not; false when there is no such recording.</summary>
    Task<bool> SetPreservedAsync(string id, bool preserved, CancellationToken ct);

    /// <summary>
    /// Recordings that started before <paramref name="before"/>, preserved or not, ordered by (startedAt, id), after
    /// the key (<paramref name="afterStartedAt"/>, <paramref name="afterId"/>) when given (keyset paging).
    /// </summary>
    Task<IReadOnlyList<CatalogEntry>> ListStartedBeforeAsync(
        DateTimeOffset before, DateTimeOffset? afterStartedAt, string? afterId, int limit, CancellationToken ct);

    /// <summary>Recordings whose <see cref="CatalogEntry.Sequence"/> is greater than <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<CatalogEntry>> ListAddedAfterAsync(long afterSequence, int limit, CancellationToken ct);

    /// <summary>The maintenance settings, or null when never saved.</summary>
    Task<MaintenanceSettings?> GetMaintenanceSettingsAsync(CancellationToken ct);

    /// <summary>Stores the maintenance settings (single row, replaced).</summary>
    Task SaveMaintenanceSettingsAsync(MaintenanceSettings settings, CancellationToken ct);

    /// <summary>Appends a run to the maintenance run history.</summary>
    Task AddMaintenanceRunAsync(MaintenanceRun run, CancellationToken ct);

    /// <summary>The latest runs of <paramref name="job"/>, newest first.</summary>
    Task<IReadOnlyList<MaintenanceRun>> GetMaintenanceRunsAsync(MaintenanceJob job, int limit, CancellationToken ct);

    /// <summary>A job checkpoint (for example <c>export</c>: the last exported sequence); 0 when never set.</summary>
    Task<long> GetCheckpointAsync(string name, CancellationToken ct);

    /// <summary>Moves a job checkpoint forward to <paramref name="position"/>; never moves it back.</summary>
    Task AdvanceCheckpointAsync(string name, long position, CancellationToken ct);
}
