using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// The catalog over ADO.NET, one SQL text for SQLite and PostgreSQL; <see cref="CatalogDialect"/> holds what differs.
/// Schema: the numbered migrations under <c>infra/sql/{sqlite,postgres}/migrations/</c> (<see cref="SchemaMigrator"/>).
/// </summary>
/// <remarks>
/// Thread-safe: each call opens its own pooled connection. The manifest JSON (from <see cref="RecordingJsonContext"/>)
/// is the stored truth and the other columns index it (<see cref="RecordingColumns"/>); adding an id again replaces the
/// row; a search counts and pages inside one snapshot, so the total and the page agree. Parameterized SQL only.
/// Hand-written over <see cref="DbCommand"/> rather than Dapper: the values that differ between the databases (times,
/// JSON) need typed parameters per dialect, which is what <see cref="CatalogDialect.Add"/> is, so Dapper would not
/// make it shorter.
/// </remarks>
internal sealed class DbRecordingCatalog : IRecordingCatalog
{
    private const string SelectManifest = "SELECT manifest FROM Recordings";
    private const string SelectEntry = "SELECT manifest, seq, preserved FROM Recordings";
    private const string SelectGroupRows = "SELECT group_id, manifest FROM Recordings WHERE ";
    private const string RunColumns = "job, node, started_at, ended_at, result, done, skipped, errors, message";

    /// <summary>How many values one <c>IN (...)</c> list binds (SQLite's parameter limit is far above).</summary>
    private const int InListChunk = 500;

    /// <summary>
    /// Adds or replaces a recording. <c>seq</c> and <c>group_id</c> are chosen once, when the row is first added, from
    /// what is committed (<see cref="CatalogDialect.BeginWriteAsync"/> makes writers take turns); an update keeps them.
    /// </summary>
    private static readonly string Upsert = $"""
        INSERT INTO Recordings (id, {string.Join(", ", RecordingColumns.FromManifest.Select(c => c.Name))}, seq, group_id)
        VALUES (@id, {string.Join(", ", RecordingColumns.FromManifest.Select(c => "@" + c.Name))},
                (SELECT COALESCE(MAX(seq), 0) + 1 FROM Recordings),
                COALESCE((SELECT g.group_id FROM Recordings g
                          WHERE @call_key IS NOT NULL AND g.call_key = @call_key AND g.id <> @id
                            AND g.started_at <= @started_at AND g.ended_at >= @group_earliest
                          ORDER BY g.started_at DESC, g.id DESC LIMIT 1), @id))
        ON CONFLICT (id) DO UPDATE SET {string.Join(", ", RecordingColumns.FromManifest.Select(c => $"{c.Name} = excluded.{c.Name}"))}
        """;

    /// <summary>A tombstoned recording's key is never stored: its erasure must not be undone by a late indexing pass.</summary>
    private const string InsertDataKey = """
        INSERT INTO DataKeys (id, kek_id, algorithm, wrapped, created_at)
        SELECT @id, @kek_id, @algorithm, @wrapped, @created_at WHERE NOT EXISTS (SELECT 1 FROM Tombstones WHERE id = @id)
        ON CONFLICT (id) DO UPDATE SET kek_id = excluded.kek_id, algorithm = excluded.algorithm, wrapped = excluded.wrapped
        """;

    private readonly CatalogDialect _dialect;
    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly RecordingGroupRules _groups;

    /// <param name="dialect"><see cref="SqliteCatalogDialect.Instance"/> or <see cref="PostgresCatalogDialect.Instance"/>.</param>
    /// <param name="connectionString">The cluster database.</param>
    /// <param name="timeProvider">Stamps <c>updated_at</c> of maintenance rows; the system clock when null.</param>
    /// <param name="groups">How recordings of one call are grouped; <see cref="RecordingGroupRules.Default"/> when null.</param>
    public DbRecordingCatalog(CatalogDialect dialect, string connectionString, TimeProvider? timeProvider = null, RecordingGroupRules? groups = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dialect = dialect;
        _connectionString = connectionString;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _groups = groups ?? RecordingGroupRules.Default;
        Stats = new CatalogStats(dialect, connectionString);
        Replicas = new CatalogReplicas(dialect, connectionString);
    }

    public CatalogStats Stats { get; }

    public CatalogReplicas Replicas { get; }

    /// <summary>Applies the migrations the database lacks (<see cref="SchemaMigrator"/>).</summary>
    public Task InitializeAsync(CancellationToken ct) => SchemaMigrator.ApplyAsync(_dialect, _connectionString, _timeProvider, ct);

    public Task PingAsync(CancellationToken ct) => ScalarAsync(ct, "SELECT 1");

    public Task AddAsync(RecordingManifest manifest, CancellationToken ct) => AddAsync(manifest, null, null, ct);

    public async Task AddAsync(RecordingManifest manifest, string? copyAt, WrappedDataKey? dataKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await _dialect.BeginWriteAsync(connection, ct);
        if (dataKey is not null)
        {
            // With the row, not a transaction (and WAL fsync) of its own: no row is ever committed without its key.
            await using var key = Command(connection, InsertDataKey, DataKeyParameters(manifest.Id, dataKey));
            key.Transaction = transaction;
            await key.ExecuteNonQueryAsync(ct);
        }

        await using (var command = Command(connection, Upsert, transaction))
        {
            Add(command, "id", CatalogType.Text, manifest.Id);
            foreach (var column in RecordingColumns.FromManifest)
            {
                Add(command, column.Name, column.Type, column.Value(manifest));
            }

            Add(command, "group_earliest", CatalogType.Time, manifest.StartedAt - _groups.Window);
            await command.ExecuteNonQueryAsync(ct);
        }

        await using (var adopt = Command(connection, RecordingGroups.AdoptLaterGroupsSql("@"), transaction))
        {
            Add(adopt, "id", CatalogType.Text, manifest.Id);
            Add(adopt, "call_key", CatalogType.Text, RecordingGroups.CallKey(manifest));
            Add(adopt, "started_at", CatalogType.Time, manifest.StartedAt);
            Add(adopt, "group_latest", CatalogType.Time, manifest.EndedAt + _groups.Window);
            await adopt.ExecuteNonQueryAsync(ct);
        }

        if (copyAt is not null && !string.IsNullOrEmpty(manifest.Sha256))
        {
            // The finalizing node's own copy with the row: on a lone node this was a grain call and a second
            // transaction (and fsync) per call; the row as IRecordingReplicasGrain writes it (CatalogReplicas).
            await using var landing = Replicas.Landing(connection, transaction, manifest.Id, copyAt, manifest.Sha256, _timeProvider.GetUtcNow());
            await landing.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<RecordingManifest?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await ScalarAsync(ct, SelectManifest + " WHERE id = @id", ("id", CatalogType.Text, id)) is string json ? Deserialize(json) : null;
    }

    public async Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, RecordingQuery.MaxPageSize, nameof(query));

        var where = new StringBuilder(" WHERE 1 = 1");
        var filters = new List<(string Name, CatalogType Type, object? Value)>();
        void Filter(object? value, string sql, string name, CatalogType type)
        {
            if (value is not null)
            {
                where.Append(sql);
                filters.Add((name, type, value));
            }
        }

        Filter(query.From, " AND started_at >= @from", "from", CatalogType.Time);
        Filter(query.To, " AND started_at < @to", "to", CatalogType.Time);
        Filter(query.Number, " AND (near_number = @number OR far_number = @number)", "number", CatalogType.Text);
        Filter(query.Device, " AND (near_device = @device OR far_device = @device)", "device", CatalogType.Text);
        Filter(query.Status is { } status ? RecordingColumns.StatusText(status) : null, " AND status = @status", "status", CatalogType.Text);
        RecordingQuerySql.AppendFlag(where, query, _dialect, "@");
        if (query.Flag is not null)
        {
            filters.Add(("flag", CatalogType.Text, query.Flag));
        }

        RecordingQuerySql.AppendParticipant(where, query, _dialect, "@");
        if (query.Participant is { } participant)
        {
            filters.Add(("participant", CatalogType.Text, RecordingQuerySql.ParticipantPattern(participant)));
        }

        filters.AddRange(RecordingQuerySql.AppendScope(where, query.Scope, "@").Select(s => (s.Name, CatalogType.Text, (object?)s.Value)));

        CatalogMetrics.Queried("search");
        await using var connection = await OpenAsync(ct);
        await using var transaction = await _dialect.BeginSnapshotAsync(connection, ct);
        await using var count = Command(connection, RecordingQuerySql.Count(where.ToString(), query), transaction);
        await using var select = Command(
            connection, RecordingQuerySql.Select(SelectManifest, where.ToString(), query) + " LIMIT @limit OFFSET @offset", transaction);
        foreach (var (name, type, value) in filters)
        {
            Add(count, name, type, value);
            Add(select, name, type, value);
        }

        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        Add(select, "limit", CatalogType.Integer, query.PageSize);
        Add(select, "offset", CatalogType.Integer, (long)(query.Page - 1) * query.PageSize);
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

    public async Task<RecordingGroup?> GetGroupAsync(string groupId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, SelectGroupRows + "group_id = @group_id ORDER BY started_at, id");
        Add(command, "group_id", CatalogType.Text, groupId);
        var groups = await ReadGroupsAsync(command, ct);
        return groups.Count == 0 ? null : groups[0];
    }

    public async Task<IReadOnlyList<RecordingGroup>> GetGroupsOfAsync(IReadOnlyCollection<string> recordingIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingIds);
        var groups = new List<RecordingGroup>();
        if (recordingIds.Count == 0)
        {
            return groups;
        }

        await using var connection = await OpenAsync(ct);
        foreach (var chunk in recordingIds.Distinct(StringComparer.Ordinal).Chunk(InListChunk))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SelectGroupRows + "group_id IN (SELECT group_id FROM Recordings WHERE id IN ("
                + AddList(command, chunk) + ")) ORDER BY group_id, started_at, id";
            foreach (var group in await ReadGroupsAsync(command, ct))
            {
                if (!groups.Exists(g => g.GroupId == group.GroupId))
                {
                    groups.Add(group);
                }
            }
        }

        return groups;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await ExecuteAsync(ct, "DELETE FROM Recordings WHERE id = @id", ("id", CatalogType.Text, id)) > 0;
    }

    public Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, CancellationToken ct) =>
        AddTombstoneAsync(id, deletedAt, reason, null, ct);

    public async Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, string? actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        // Crypto-shredding: the data key goes in the same transaction that writes the tombstone, so no moment exists in
        // which the recording is deleted but its key still readable. A later tombstone of the same id (a purge after a
        // delete) can only add the erasure, never take it back.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        bool erased;
        await using (var erase = Command(connection, "DELETE FROM DataKeys WHERE id = @id", transaction))
        {
            Add(erase, "id", CatalogType.Text, id);
            erased = await erase.ExecuteNonQueryAsync(ct) > 0;
        }

        await using (var command = Command(
            connection,
            """
            INSERT INTO Tombstones (id, deleted_at, reason, actor, key_erased) VALUES (@id, @deleted_at, @reason, @actor, @key_erased)
            ON CONFLICT (id) DO UPDATE SET key_erased = excluded.key_erased WHERE excluded.key_erased
            """,
            transaction))
        {
            Add(command, "id", CatalogType.Text, id);
            Add(command, "deleted_at", CatalogType.Time, deletedAt);
            Add(command, "reason", CatalogType.Text, reason);
            Add(command, "actor", CatalogType.Text, actor);
            Add(command, "key_erased", CatalogType.Boolean, erased);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<CatalogTombstone?> GetTombstoneAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT deleted_at, reason, actor, key_erased FROM Tombstones WHERE id = @id");
        Add(command, "id", CatalogType.Text, id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new CatalogTombstone(id, _dialect.ReadTime(reader, 0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                Convert.ToBoolean(reader.GetValue(3), CultureInfo.InvariantCulture))
            : null;
    }

    public async Task AddDataKeyAsync(string id, WrappedDataKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(key);
        await ExecuteAsync(ct, InsertDataKey, DataKeyParameters(id, key));
    }

    private (string Name, CatalogType Type, object? Value)[] DataKeyParameters(string id, WrappedDataKey key) =>
    [
        ("id", CatalogType.Text, id),
        ("kek_id", CatalogType.Text, key.KekId),
        ("algorithm", CatalogType.Text, key.Algorithm),
        ("wrapped", CatalogType.Text, Convert.ToBase64String(key.Wrapped)),
        ("created_at", CatalogType.Integer, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
    ];

    public async Task<WrappedDataKey?> GetDataKeyAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        var keys = await ReadDataKeysAsync(ct, "SELECT id, kek_id, algorithm, wrapped FROM DataKeys WHERE id = @id", ("id", CatalogType.Text, id));
        return keys.Count == 0 ? null : keys[0].Key;
    }

    public Task<IReadOnlyList<(string Id, WrappedDataKey Key)>> ListDataKeysAsync(string? afterId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadDataKeysAsync(
            ct,
            "SELECT id, kek_id, algorithm, wrapped FROM DataKeys WHERE id > @after ORDER BY id LIMIT @limit",
            ("after", CatalogType.Text, afterId ?? string.Empty),
            ("limit", CatalogType.Integer, limit));
    }

    public async Task<bool> ReplaceDataKeyAsync(string id, string expectedKekId, WrappedDataKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(key);
        return await ExecuteAsync(
            ct,
            "UPDATE DataKeys SET kek_id = @kek_id, algorithm = @algorithm, wrapped = @wrapped WHERE id = @id AND kek_id = @expected",
            ("id", CatalogType.Text, id),
            ("expected", CatalogType.Text, expectedKekId),
            ("kek_id", CatalogType.Text, key.KekId),
            ("algorithm", CatalogType.Text, key.Algorithm),
            ("wrapped", CatalogType.Text, Convert.ToBase64String(key.Wrapped))) > 0;
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
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(InListChunk))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM Tombstones WHERE id IN (" + AddList(command, chunk) + ")";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add(reader.GetString(0));
            }
        }

        return found;
    }

    public async Task<long> CountTombstonesAsync(CancellationToken ct) =>
        Convert.ToInt64(await ScalarAsync(ct, "SELECT COUNT(*) FROM Tombstones"), CultureInfo.InvariantCulture);

    public async Task<bool> SetPreservedAsync(string id, bool preserved, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await ExecuteAsync(
            ct, "UPDATE Recordings SET preserved = @preserved WHERE id = @id", ("id", CatalogType.Text, id), ("preserved", CatalogType.Boolean, preserved)) > 0;
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListStartedBeforeAsync(
        DateTimeOffset before, DateTimeOffset? afterStartedAt, string? afterId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(
            connection,
            SelectEntry + " WHERE started_at < @before"
            + (afterStartedAt is null ? string.Empty : " AND (started_at > @after_started_at OR (started_at = @after_started_at AND id > @after_id))")
            + " ORDER BY started_at, id LIMIT @limit");
        Add(command, "before", CatalogType.Time, before);
        if (afterStartedAt is { } after)
        {
            Add(command, "after_started_at", CatalogType.Time, after);
            Add(command, "after_id", CatalogType.Text, afterId ?? string.Empty);
        }

        Add(command, "limit", CatalogType.Integer, limit);
        return await ReadEntriesAsync(command, ct);
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListAddedAfterAsync(long afterSequence, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, SelectEntry + " WHERE seq > @after ORDER BY seq LIMIT @limit");
        Add(command, "after", CatalogType.Integer, afterSequence);
        Add(command, "limit", CatalogType.Integer, limit);
        return await ReadEntriesAsync(command, ct);
    }

    public async Task<MaintenanceSettings?> GetMaintenanceSettingsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(
            connection, "SELECT retention_days, export_folder, file_name_pattern, purge_period_ms, export_period_ms FROM MaintenanceSettings WHERE id = 1");
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
        await ExecuteAsync(
            ct,
            """
            INSERT INTO MaintenanceSettings (id, retention_days, export_folder, file_name_pattern, purge_period_ms, export_period_ms, updated_at)
            VALUES (1, @retention_days, @export_folder, @file_name_pattern, @purge_period_ms, @export_period_ms, @updated_at)
            ON CONFLICT (id) DO UPDATE SET
                retention_days = excluded.retention_days, export_folder = excluded.export_folder,
                file_name_pattern = excluded.file_name_pattern, purge_period_ms = excluded.purge_period_ms,
                export_period_ms = excluded.export_period_ms, updated_at = excluded.updated_at
            """,
            ("retention_days", CatalogType.Integer, settings.RetentionDays),
            ("export_folder", CatalogType.Text, settings.ExportFolder),
            ("file_name_pattern", CatalogType.Text, settings.FileNamePattern),
            ("purge_period_ms", CatalogType.Integer, (long)settings.PurgePeriod.TotalMilliseconds),
            ("export_period_ms", CatalogType.Integer, (long)settings.ExportPeriod.TotalMilliseconds),
            ("updated_at", CatalogType.Time, _timeProvider.GetUtcNow()));
    }

    public async Task AddMaintenanceRunAsync(MaintenanceRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await ExecuteAsync(
            ct,
            "INSERT INTO MaintenanceRuns (" + RunColumns + ") VALUES (@job, @node, @started_at, @ended_at, @result, @done, @skipped, @errors, @message)",
            ("job", CatalogType.Text, MaintenanceKeys.NameOf(run.Job)),
            ("node", CatalogType.Text, run.Node),
            ("started_at", CatalogType.Time, run.StartedAt),
            ("ended_at", CatalogType.Time, run.EndedAt),
            ("result", CatalogType.Text, run.Result.ToString().ToLowerInvariant()),
            ("done", CatalogType.Integer, run.Done),
            ("skipped", CatalogType.Integer, run.Skipped),
            ("errors", CatalogType.Integer, run.Errors),
            ("message", CatalogType.Text, run.Message));
    }

    public async Task<IReadOnlyList<MaintenanceRun>> GetMaintenanceRunsAsync(MaintenanceJob job, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + RunColumns + " FROM MaintenanceRuns WHERE job = @job ORDER BY run_id DESC LIMIT @limit");
        Add(command, "job", CatalogType.Text, MaintenanceKeys.NameOf(job));
        Add(command, "limit", CatalogType.Integer, limit);
        var runs = new List<MaintenanceRun>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new MaintenanceRun(
                job,
                reader.GetString(1),
                _dialect.ReadTime(reader, 2),
                _dialect.ReadTime(reader, 3),
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
        return await ScalarAsync(ct, "SELECT position FROM MaintenanceCheckpoints WHERE name = @name", ("name", CatalogType.Text, name)) is { } position
            ? Convert.ToInt64(position, CultureInfo.InvariantCulture)
            : 0;
    }

    public async Task AdvanceCheckpointAsync(string name, long position, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await ExecuteAsync(
            ct,
            """
            INSERT INTO MaintenanceCheckpoints (name, position, updated_at) VALUES (@name, @position, @updated_at)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            WHERE excluded.position > MaintenanceCheckpoints.position
            """,
            ("name", CatalogType.Text, name),
            ("position", CatalogType.Integer, position),
            ("updated_at", CatalogType.Time, _timeProvider.GetUtcNow()));
    }

    private static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static async Task<IReadOnlyList<RecordingGroup>> ReadGroupsAsync(DbCommand command, CancellationToken ct)
    {
        var rows = new List<(string, RecordingManifest)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), Deserialize(reader.GetString(1))));
        }

        return RecordingGroups.FromOrderedRows(rows);
    }

    private static async Task<IReadOnlyList<CatalogEntry>> ReadEntriesAsync(DbCommand command, CancellationToken ct)
    {
        var entries = new List<CatalogEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new CatalogEntry(
                Deserialize(reader.GetString(0)), reader.GetInt64(1), Convert.ToBoolean(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }

        return entries;
    }

    private static RecordingManifest Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest)
        ?? throw new InvalidDataException("The catalog holds a null manifest.");

    private void Add(DbCommand command, string name, CatalogType type, object? value) => _dialect.Add(command, name, type, value);

    /// <summary>Runs one statement on its own connection; the number of rows it changed.</summary>
    private async Task<int> ExecuteAsync(CancellationToken ct, string sql, params (string Name, CatalogType Type, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs one query on its own connection; its first value, null when it has no row (or SQL NULL).</summary>
    private async Task<object?> ScalarAsync(CancellationToken ct, string sql, params (string Name, CatalogType Type, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? value : null;
    }

    private DbCommand Command(DbConnection connection, string sql, (string Name, CatalogType Type, object? Value)[] parameters)
    {
        var command = Command(connection, sql);
        foreach (var (name, type, value) in parameters)
        {
            Add(command, name, type, value);
        }

        return command;
    }

    /// <summary>Binds <paramref name="values"/> as <c>@i0, @i1, ...</c> and returns that list for an <c>IN (...)</c>.</summary>
    private string AddList(DbCommand command, IReadOnlyList<string> values) => _dialect.AddList(command, values);

    private async Task<IReadOnlyList<(string Id, WrappedDataKey Key)>> ReadDataKeysAsync(
        CancellationToken ct, string sql, params (string Name, CatalogType Type, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, sql, parameters);
        var keys = new List<(string, WrappedDataKey)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), new WrappedDataKey(reader.GetString(1), reader.GetString(2), Convert.FromBase64String(reader.GetString(3)))));
        }

        return keys;
    }

    private Task<DbConnection> OpenAsync(CancellationToken ct) => _dialect.OpenAsync(_connectionString, ct);
}
