using System.Data;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The catalog in the cluster's PostgreSQL database (<c>infra/sql/postgres/recorder.sql</c>).</summary>
/// <remarks>
/// Thread-safe: each call opens its own pooled connection. Same semantics as <see cref="SqliteRecordingCatalog"/>:
/// the manifest JSON (from <see cref="RecordingJsonContext"/>) is the stored truth and the other columns index it;
/// adding an id again replaces the row; a search counts and pages inside one repeatable-read snapshot, so the total
/// and the page agree. Times are written as UTC <c>timestamptz</c> (Npgsql refuses other offsets). Parameterized SQL only.
/// </remarks>
internal sealed class PostgresRecordingCatalog : IRecordingCatalog
{
    private const string SelectManifest = "SELECT manifest FROM Recordings";
    private const string SelectEntry = "SELECT manifest, seq, preserved FROM Recordings";
    private const string RunColumns = "job, node, started_at, ended_at, result, done, skipped, errors, message";

    /// <summary>Advisory lock key that serializes seq assignment ("OrRecSeq").</summary>
    private const long SequenceLock = 0x4F72526563536571;

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly RecordingGroupRules _groups;

    /// <param name="connectionString">The cluster database.</param>
    /// <param name="timeProvider">Stamps <c>updated_at</c> of maintenance rows; the system clock when null.</param>
    /// <param name="groups">How recordings of one call are grouped; <see cref="RecordingGroupRules.Default"/> when null.</param>
    public PostgresRecordingCatalog(string connectionString, TimeProvider? timeProvider = null, RecordingGroupRules? groups = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _groups = groups ?? RecordingGroupRules.Default;
    }

    public Task InitializeAsync(CancellationToken ct) =>
        PostgresClusterSchema.ApplyScriptsAsync(_connectionString, ["postgres/recorder.sql"], ct);

    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    public async Task AddAsync(RecordingManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // seq must become visible in the order it is assigned, or the export's checkpoint could pass a recording
        // whose transaction commits later: one writer at a time, until commit.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            Add(lockCommand, "key", NpgsqlDbType.Bigint, SequenceLock);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci,
                                    status, recorded_by, sha256, size_bytes, manifest, seq, call_key, group_id)
            VALUES (@id, @started_at, @ended_at, @near_number, @near_device, @far_number, @far_device, @refci,
                    @status, @recorded_by, @sha256, @size_bytes, @manifest, (SELECT COALESCE(MAX(seq), 0) + 1 FROM Recordings),
                    @call_key,
                    COALESCE((SELECT g.group_id FROM Recordings g
                              WHERE @call_key IS NOT NULL AND g.call_key = @call_key AND g.id <> @id
                                AND g.started_at <= @started_at AND g.ended_at >= @group_earliest
                              ORDER BY g.started_at DESC, g.id DESC LIMIT 1), @id))
            ON CONFLICT (id) DO UPDATE SET
                started_at = excluded.started_at, ended_at = excluded.ended_at,
                near_number = excluded.near_number, near_device = excluded.near_device,
                far_number = excluded.far_number, far_device = excluded.far_device, refci = excluded.refci,
                status = excluded.status, recorded_by = excluded.recorded_by, sha256 = excluded.sha256,
                size_bytes = excluded.size_bytes, manifest = excluded.manifest, call_key = excluded.call_key
            """,
            connection,
            transaction);
        Add(command, "id", NpgsqlDbType.Text, manifest.Id);
        Add(command, "started_at", NpgsqlDbType.TimestampTz, manifest.StartedAt.UtcDateTime);
        Add(command, "ended_at", NpgsqlDbType.TimestampTz, manifest.EndedAt.UtcDateTime);
        Add(command, "near_number", NpgsqlDbType.Text, manifest.NearEnd.Number);
        Add(command, "near_device", NpgsqlDbType.Text, manifest.NearEnd.Device);
        Add(command, "far_number", NpgsqlDbType.Text, manifest.FarEnd.Number);
        Add(command, "far_device", NpgsqlDbType.Text, manifest.FarEnd.Device);
        Add(command, "refci", NpgsqlDbType.Text, manifest.RefCi);
        Add(command, "status", NpgsqlDbType.Text, SqliteRecordingCatalog.StatusText(manifest.Status));
        Add(command, "recorded_by", NpgsqlDbType.Text, manifest.RecordedBy);
        Add(command, "sha256", NpgsqlDbType.Text, manifest.Sha256);
        Add(command, "size_bytes", NpgsqlDbType.Bigint, manifest.SizeBytes);
        Add(command, "manifest", NpgsqlDbType.Json, JsonSerializer.Serialize(manifest, RecordingJsonContext.Default.RecordingManifest));
        Add(command, "call_key", NpgsqlDbType.Text, RecordingGroups.CallKey(manifest));
        Add(command, "group_earliest", NpgsqlDbType.TimestampTz, (manifest.StartedAt - _groups.Window).UtcDateTime);
        await command.ExecuteNonQueryAsync(ct);
        await using (var adopt = new NpgsqlCommand(RecordingGroups.AdoptLaterGroupsSql("@"), connection, transaction))
        {
            Add(adopt, "id", NpgsqlDbType.Text, manifest.Id);
            Add(adopt, "call_key", NpgsqlDbType.Text, RecordingGroups.CallKey(manifest));
            Add(adopt, "started_at", NpgsqlDbType.TimestampTz, manifest.StartedAt.UtcDateTime);
            Add(adopt, "group_latest", NpgsqlDbType.TimestampTz, (manifest.EndedAt + _groups.Window).UtcDateTime);
            await adopt.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<RecordingGroup?> GetGroupAsync(string groupId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT group_id, manifest FROM Recordings WHERE group_id = @group_id ORDER BY started_at, id", connection);
        Add(command, "group_id", NpgsqlDbType.Text, groupId);
        var groups = await ReadGroupsAsync(command, ct);
        return groups.Count == 0 ? null : groups[0];
    }

    public async Task<IReadOnlyList<RecordingGroup>> GetGroupsOfAsync(IReadOnlyCollection<string> recordingIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingIds);
        if (recordingIds.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT group_id, manifest FROM Recordings WHERE group_id IN (SELECT group_id FROM Recordings WHERE id = ANY(@ids)) "
            + "ORDER BY group_id, started_at, id",
            connection);
        Add(command, "ids", NpgsqlDbType.Array | NpgsqlDbType.Text, recordingIds.Distinct(StringComparer.Ordinal).ToArray());
        return await ReadGroupsAsync(command, ct);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("DELETE FROM Recordings WHERE id = @id", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, CancellationToken ct) =>
        AddTombstoneAsync(id, deletedAt, reason, null, ct);

    public async Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, string? actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        bool erased;
        await using (var erase = new NpgsqlCommand("DELETE FROM DataKeys WHERE id = @id", connection, transaction))
        {
            Add(erase, "id", NpgsqlDbType.Text, id);
            erased = await erase.ExecuteNonQueryAsync(ct) > 0;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO Tombstones (id, deleted_at, reason, actor, key_erased) VALUES (@id, @deleted_at, @reason, @actor, @key_erased)
            ON CONFLICT (id) DO UPDATE SET key_erased = Tombstones.key_erased OR excluded.key_erased
            """, connection, transaction);
        Add(command, "id", NpgsqlDbType.Text, id);
        Add(command, "deleted_at", NpgsqlDbType.TimestampTz, deletedAt.UtcDateTime);
        Add(command, "reason", NpgsqlDbType.Text, reason);
        Add(command, "actor", NpgsqlDbType.Text, actor);
        Add(command, "key_erased", NpgsqlDbType.Boolean, erased);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<CatalogTombstone?> GetTombstoneAsync(string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT deleted_at, reason, actor, key_erased FROM Tombstones WHERE id = @id", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new CatalogTombstone(id, new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3))
            : null;
    }

    public async Task AddDataKeyAsync(string id, WrappedDataKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(ct);
        // A tombstoned recording's key is never stored: its erasure must not be undone by a late indexing pass.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO DataKeys (id, kek_id, algorithm, wrapped, created_at)
            SELECT @id, @kek_id, @algorithm, @wrapped, @created_at WHERE NOT EXISTS (SELECT 1 FROM Tombstones WHERE id = @id)
            ON CONFLICT (id) DO UPDATE SET kek_id = excluded.kek_id, algorithm = excluded.algorithm, wrapped = excluded.wrapped
            """, connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        Add(command, "kek_id", NpgsqlDbType.Text, key.KekId);
        Add(command, "algorithm", NpgsqlDbType.Text, key.Algorithm);
        Add(command, "wrapped", NpgsqlDbType.Text, Convert.ToBase64String(key.Wrapped));
        Add(command, "created_at", NpgsqlDbType.Bigint, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<WrappedDataKey?> GetDataKeyAsync(string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT kek_id, algorithm, wrapped FROM DataKeys WHERE id = @id", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new WrappedDataKey(reader.GetString(0), reader.GetString(1), Convert.FromBase64String(reader.GetString(2)))
            : null;
    }

    public async Task<IReadOnlyList<(string Id, WrappedDataKey Key)>> ListDataKeysAsync(string? afterId, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT id, kek_id, algorithm, wrapped FROM DataKeys WHERE @after::text IS NULL OR id > @after ORDER BY id LIMIT @limit", connection);
        Add(command, "after", NpgsqlDbType.Text, afterId);
        Add(command, "limit", NpgsqlDbType.Integer, limit);
        var keys = new List<(string, WrappedDataKey)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), new WrappedDataKey(reader.GetString(1), reader.GetString(2), Convert.FromBase64String(reader.GetString(3)))));
        }

        return keys;
    }

    public async Task<bool> ReplaceDataKeyAsync(string id, string expectedKekId, WrappedDataKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "UPDATE DataKeys SET kek_id = @kek_id, algorithm = @algorithm, wrapped = @wrapped WHERE id = @id AND kek_id = @expected", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        Add(command, "expected", NpgsqlDbType.Text, expectedKekId);
        Add(command, "kek_id", NpgsqlDbType.Text, key.KekId);
        Add(command, "algorithm", NpgsqlDbType.Text, key.Algorithm);
        Add(command, "wrapped", NpgsqlDbType.Text, Convert.ToBase64String(key.Wrapped));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<long> CountTombstonesAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM Tombstones", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlySet<string>> GetTombstonedAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT id FROM Tombstones WHERE id = ANY(@ids)", connection);
        Add(command, "ids", NpgsqlDbType.Array | NpgsqlDbType.Text, ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    public async Task<bool> SetPreservedAsync(string id, bool preserved, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("UPDATE Recordings SET preserved = @preserved WHERE id = @id", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        Add(command, "preserved", NpgsqlDbType.Boolean, preserved);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListStartedBeforeAsync(
        DateTimeOffset before, DateTimeOffset? afterStartedAt, string? afterId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            SelectEntry + " WHERE started_at < @before"
            + (afterStartedAt is null ? string.Empty : " AND (started_at, id) > (@after_started_at, @after_id)")
            + " ORDER BY started_at, id LIMIT @limit",
            connection);
        Add(command, "before", NpgsqlDbType.TimestampTz, before.UtcDateTime);
        if (afterStartedAt is { } after)
        {
            Add(command, "after_started_at", NpgsqlDbType.TimestampTz, after.UtcDateTime);
            Add(command, "after_id", NpgsqlDbType.Text, afterId ?? string.Empty);
        }

        Add(command, "limit", NpgsqlDbType.Integer, limit);
        return await ReadEntriesAsync(command, ct);
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListAddedAfterAsync(long afterSequence, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(SelectEntry + " WHERE seq > @after ORDER BY seq LIMIT @limit", connection);
        Add(command, "after", NpgsqlDbType.Bigint, afterSequence);
        Add(command, "limit", NpgsqlDbType.Integer, limit);
        return await ReadEntriesAsync(command, ct);
    }

    public async Task<MaintenanceSettings?> GetMaintenanceSettingsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT retention_days, export_folder, file_name_pattern, purge_period_ms, export_period_ms FROM MaintenanceSettings WHERE id = 1",
            connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new MaintenanceSettings(
            reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetString(2),
            TimeSpan.FromMilliseconds(reader.GetInt64(3)),
            TimeSpan.FromMilliseconds(reader.GetInt64(4)));
    }

    public async Task SaveMaintenanceSettingsAsync(MaintenanceSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO MaintenanceSettings (id, retention_days, export_folder, file_name_pattern, purge_period_ms, export_period_ms, updated_at)
            VALUES (1, @retention_days, @export_folder, @file_name_pattern, @purge_period_ms, @export_period_ms, @updated_at)
            ON CONFLICT (id) DO UPDATE SET
                retention_days = excluded.retention_days, export_folder = excluded.export_folder,
                file_name_pattern = excluded.file_name_pattern, purge_period_ms = excluded.purge_period_ms,
                export_period_ms = excluded.export_period_ms, updated_at = excluded.updated_at
            """,
            connection);
        Add(command, "retention_days", NpgsqlDbType.Integer, settings.RetentionDays);
        Add(command, "export_folder", NpgsqlDbType.Text, settings.ExportFolder);
        Add(command, "file_name_pattern", NpgsqlDbType.Text, settings.FileNamePattern);
        Add(command, "purge_period_ms", NpgsqlDbType.Bigint, (long)settings.PurgePeriod.TotalMilliseconds);
        Add(command, "export_period_ms", NpgsqlDbType.Bigint, (long)settings.ExportPeriod.TotalMilliseconds);
        Add(command, "updated_at", NpgsqlDbType.TimestampTz, _timeProvider.GetUtcNow().UtcDateTime);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task AddMaintenanceRunAsync(MaintenanceRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "INSERT INTO MaintenanceRuns (" + RunColumns + ") VALUES (@job, @node, @started_at, @ended_at, @result, @done, @skipped, @errors, @message)",
            connection);
        Add(command, "job", NpgsqlDbType.Text, MaintenanceKeys.NameOf(run.Job));
        Add(command, "node", NpgsqlDbType.Text, run.Node);
        Add(command, "started_at", NpgsqlDbType.TimestampTz, run.StartedAt.UtcDateTime);
        Add(command, "ended_at", NpgsqlDbType.TimestampTz, run.EndedAt.UtcDateTime);
        Add(command, "result", NpgsqlDbType.Text, run.Result.ToString().ToLowerInvariant());
        Add(command, "done", NpgsqlDbType.Integer, run.Done);
        Add(command, "skipped", NpgsqlDbType.Integer, run.Skipped);
        Add(command, "errors", NpgsqlDbType.Integer, run.Errors);
        Add(command, "message", NpgsqlDbType.Text, run.Message);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<MaintenanceRun>> GetMaintenanceRunsAsync(MaintenanceJob job, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT " + RunColumns + " FROM MaintenanceRuns WHERE job = @job ORDER BY run_id DESC LIMIT @limit", connection);
        Add(command, "job", NpgsqlDbType.Text, MaintenanceKeys.NameOf(job));
        Add(command, "limit", NpgsqlDbType.Integer, limit);
        var runs = new List<MaintenanceRun>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new MaintenanceRun(
                job,
                reader.GetString(1),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)),
                Enum.Parse<MaintenanceResult>(reader.GetString(4), ignoreCase: true),
                reader.GetInt32(5),
                reader.GetInt32(6),
                reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return runs;
    }

    public async Task<long> GetCheckpointAsync(string name, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT position FROM MaintenanceCheckpoints WHERE name = @name", connection);
        Add(command, "name", NpgsqlDbType.Text, name);
        return await command.ExecuteScalarAsync(ct) is long position ? position : 0;
    }

    public async Task AdvanceCheckpointAsync(string name, long position, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO MaintenanceCheckpoints (name, position, updated_at) VALUES (@name, @position, @updated_at)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            WHERE excluded.position > MaintenanceCheckpoints.position
            """,
            connection);
        Add(command, "name", NpgsqlDbType.Text, name);
        Add(command, "position", NpgsqlDbType.Bigint, position);
        Add(command, "updated_at", NpgsqlDbType.TimestampTz, _timeProvider.GetUtcNow().UtcDateTime);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<RecordingGroup>> ReadGroupsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<(string, RecordingManifest)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), Deserialize(reader.GetString(1))));
        }

        return RecordingGroups.FromOrderedRows(rows);
    }

    private static async Task<IReadOnlyList<CatalogEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var entries = new List<CatalogEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new CatalogEntry(Deserialize(reader.GetString(0)), reader.GetInt64(1), reader.GetBoolean(2)));
        }

        return entries;
    }

    public async Task<RecordingManifest?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(SelectManifest + " WHERE id = @id", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        var json = await command.ExecuteScalarAsync(ct) as string;
        return json is null ? null : Deserialize(json);
    }

    public async Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, RecordingQuery.MaxPageSize, nameof(query));

        var where = new StringBuilder(" WHERE TRUE");
        if (query.From is not null)
        {
            where.Append(" AND started_at >= @from");
        }

        if (query.To is not null)
        {
            where.Append(" AND started_at < @to");
        }

        if (query.Number is not null)
        {
            where.Append(" AND (near_number = @number OR far_number = @number)");
        }

        if (query.Device is not null)
        {
            where.Append(" AND (near_device = @device OR far_device = @device)");
        }

        if (query.Status is not null)
        {
            where.Append(" AND status = @status");
        }

        RecordingQuerySql.AppendFlag(where, query, postgres: true, "@");

        var scope = RecordingQuerySql.AppendScope(where, query.Scope, "@");
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var count = new NpgsqlCommand(RecordingQuerySql.Count(where.ToString(), query), connection, transaction);
        AddFilters(count, query);
        AddScope(count, scope);
        var total = (long)(await count.ExecuteScalarAsync(ct))!;

        await using var select = new NpgsqlCommand(
            RecordingQuerySql.Select(SelectManifest, where.ToString(), query) + " LIMIT @limit OFFSET @offset",
            connection,
            transaction);
        AddFilters(select, query);
        AddScope(select, scope);
        Add(select, "limit", NpgsqlDbType.Integer, query.PageSize);
        Add(select, "offset", NpgsqlDbType.Bigint, (long)(query.Page - 1) * query.PageSize);
        var items = new List<RecordingManifest>(query.PageSize);
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(Deserialize(reader.GetString(0)));
            }
        }

        await transaction.CommitAsync(ct);
        return new RecordingPage(items, total);
    }

    private static void AddFilters(NpgsqlCommand command, RecordingQuery query)
    {
        if (query.From is { } from)
        {
            Add(command, "from", NpgsqlDbType.TimestampTz, from.UtcDateTime);
        }

        if (query.To is { } to)
        {
            Add(command, "to", NpgsqlDbType.TimestampTz, to.UtcDateTime);
        }

        if (query.Number is not null)
        {
            Add(command, "number", NpgsqlDbType.Text, query.Number);
        }

        if (query.Device is not null)
        {
            Add(command, "device", NpgsqlDbType.Text, query.Device);
        }

        if (query.Status is { } status)
        {
            Add(command, "status", NpgsqlDbType.Text, SqliteRecordingCatalog.StatusText(status));
        }

        if (query.Flag is { } flag)
        {
            Add(command, "flag", NpgsqlDbType.Text, flag);
        }
    }

    private static void AddScope(NpgsqlCommand command, IReadOnlyList<(string Name, string Value)> scope)
    {
        foreach (var (name, value) in scope)
        {
            Add(command, name, NpgsqlDbType.Text, value);
        }
    }

    private static void Add(NpgsqlCommand command, string name, NpgsqlDbType type, object? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    private static RecordingManifest Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest)
        ?? throw new InvalidDataException("The catalog holds a null manifest.");

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
