using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The catalog in the cluster's SQLite file (<c>infra/sql/sqlite/recorder.sql</c>).</summary>
/// <remarks>
/// Thread-safe: each call opens its own pooled connection. Writers wait for each other through the connection
/// string's <c>Default Timeout</c>; WAL mode lets readers run during a write. Parameterized SQL only.
/// </remarks>
internal sealed class SqliteRecordingCatalog : IRecordingCatalog
{
    private const string SelectManifest = "SELECT manifest FROM Recordings";
    private const string SelectEntry = "SELECT manifest, seq, preserved FROM Recordings";
    private const string RunColumns = "job, node, started_at, ended_at, result, done, skipped, errors, message";

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly RecordingGroupRules _groups;

    /// <param name="connectionString">The cluster database.</param>
    /// <param name="timeProvider">Stamps <c>updated_at</c> of maintenance rows; the system clock when null.</param>
    /// <param name="groups">How recordings of one call are grouped; <see cref="RecordingGroupRules.Default"/> when null.</param>
    public SqliteRecordingCatalog(string connectionString, TimeProvider? timeProvider = null, RecordingGroupRules? groups = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _groups = groups ?? RecordingGroupRules.Default;
    }

    public async Task InitializeAsync(CancellationToken ct)
    {
        SqliteClusterSchema.EnsureDirectory(_connectionString);
        await using var connection = await OpenAsync(ct);
        await UpgradeRecordingsAsync(connection, ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;\n" + SqlScripts.Read("sqlite/recorder.sql") + """

            CREATE INDEX IF NOT EXISTS IX_Recordings_seq ON Recordings (seq);
            CREATE INDEX IF NOT EXISTS IX_Recordings_started_at_id ON Recordings (started_at, id);
            CREATE INDEX IF NOT EXISTS IX_Recordings_call_key ON Recordings (call_key, started_at);
            CREATE INDEX IF NOT EXISTS IX_Recordings_group_id ON Recordings (group_id, started_at);
            """;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1;";
        await command.ExecuteScalarAsync(ct);
    }

    public async Task AddAsync(RecordingManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await using var connection = await OpenAsync(ct);
        // One transaction (BEGIN IMMEDIATE): the group is chosen, and later groups adopted, with no other writer in between.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci,
                                    status, recorded_by, sha256, size_bytes, manifest, seq, call_key, group_id)
            VALUES (@id, @started_at, @ended_at, @near_number, @near_device, @far_number, @far_device, @refci,
                    @status, @recorded_by, @sha256, @size_bytes, @manifest,
                    (SELECT COALESCE(MAX(seq), 0) + 1 FROM Recordings), @call_key,
                    COALESCE((SELECT g.group_id FROM Recordings g
                              WHERE @call_key IS NOT NULL AND g.call_key = @call_key AND g.id <> @id
                                AND g.started_at <= @started_at AND g.ended_at >= @group_earliest
                              ORDER BY g.started_at DESC, g.id DESC LIMIT 1), @id))
            ON CONFLICT (id) DO UPDATE SET
                started_at = excluded.started_at, ended_at = excluded.ended_at,
                near_number = excluded.near_number, near_device = excluded.near_device,
                far_number = excluded.far_number, far_device = excluded.far_device, refci = excluded.refci,
                status = excluded.status, recorded_by = excluded.recorded_by, sha256 = excluded.sha256,
                size_bytes = excluded.size_bytes, manifest = excluded.manifest, call_key = excluded.call_key;
            """ + RecordingGroups.AdoptLaterGroupsSql("@") + ";";
        Add(command, "@id", manifest.Id);
        Add(command, "@started_at", manifest.StartedAt.ToUnixTimeMilliseconds());
        Add(command, "@ended_at", manifest.EndedAt.ToUnixTimeMilliseconds());
        Add(command, "@near_number", manifest.NearEnd.Number);
        Add(command, "@near_device", manifest.NearEnd.Device);
        Add(command, "@far_number", manifest.FarEnd.Number);
        Add(command, "@far_device", manifest.FarEnd.Device);
        Add(command, "@refci", manifest.RefCi);
        Add(command, "@status", StatusText(manifest.Status));
        Add(command, "@recorded_by", manifest.RecordedBy);
        Add(command, "@sha256", manifest.Sha256);
        Add(command, "@size_bytes", manifest.SizeBytes);
        Add(command, "@manifest", JsonSerializer.Serialize(manifest, RecordingJsonContext.Default.RecordingManifest));
        Add(command, "@call_key", RecordingGroups.CallKey(manifest));
        Add(command, "@group_earliest", (manifest.StartedAt - _groups.Window).ToUnixTimeMilliseconds());
        Add(command, "@group_latest", (manifest.EndedAt + _groups.Window).ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<RecordingGroup?> GetGroupAsync(string groupId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_id, manifest FROM Recordings WHERE group_id = @group_id ORDER BY started_at, id;";
        Add(command, "@group_id", groupId);
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

        var groups = new List<RecordingGroup>();
        await using var connection = await OpenAsync(ct);
        foreach (var chunk in recordingIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var names = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                names.Add("@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Add(command, names[i], chunk[i]);
            }

            command.CommandText = "SELECT group_id, manifest FROM Recordings WHERE group_id IN (SELECT group_id FROM Recordings WHERE id IN ("
                + string.Join(", ", names) + ")) ORDER BY group_id, started_at, id;";
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

    public async Task<RecordingManifest?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectManifest + " WHERE id = @id;";
        Add(command, "@id", id);
        var json = await command.ExecuteScalarAsync(ct) as string;
        return json is null ? null : Deserialize(json);
    }

    public async Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, RecordingQuery.MaxPageSize, nameof(query));

        var where = new StringBuilder(" WHERE 1 = 1");
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

        RecordingQuerySql.AppendFlag(where, query, postgres: false, "@");

        var scope = RecordingQuerySql.AppendScope(where, query.Scope, "@");
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = RecordingQuerySql.Count(where.ToString(), query) + ";";
        AddFilters(count, query);
        AddScope(count, scope);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = RecordingQuerySql.Select(SelectManifest, where.ToString(), query) + " LIMIT @limit OFFSET @offset;";
        AddFilters(select, query);
        AddScope(select, scope);
        Add(select, "@limit", query.PageSize);
        Add(select, "@offset", (long)(query.Page - 1) * query.PageSize);
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

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM Recordings WHERE id = @id;";
        Add(command, "@id", id);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, CancellationToken ct) =>
        AddTombstoneAsync(id, deletedAt, reason, null, ct);

    public async Task AddTombstoneAsync(string id, DateTimeOffset deletedAt, string reason, string? actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var erase = connection.CreateCommand();
        erase.Transaction = transaction;
        erase.CommandText = "DELETE FROM DataKeys WHERE id = @id;";
        Add(erase, "@id", id);
        var erased = await erase.ExecuteNonQueryAsync(ct) > 0;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO Tombstones (id, deleted_at, reason, actor, key_erased) VALUES (@id, @deleted_at, @reason, @actor, @key_erased)
            ON CONFLICT (id) DO UPDATE SET key_erased = MAX(Tombstones.key_erased, excluded.key_erased);
            """;
        Add(command, "@id", id);
        Add(command, "@deleted_at", deletedAt.ToUnixTimeMilliseconds());
        Add(command, "@reason", reason);
        Add(command, "@actor", actor);
        Add(command, "@key_erased", erased ? 1 : 0);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<CatalogTombstone?> GetTombstoneAsync(string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT deleted_at, reason, actor, key_erased FROM Tombstones WHERE id = @id;";
        Add(command, "@id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new CatalogTombstone(id, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3) != 0)
            : null;
    }

    public async Task AddDataKeyAsync(string id, WrappedDataKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // A tombstoned recording's key is never stored: its erasure must not be undone by a late indexing pass.
        command.CommandText = """
            INSERT INTO DataKeys (id, kek_id, algorithm, wrapped, created_at)
            SELECT @id, @kek_id, @algorithm, @wrapped, @created_at WHERE NOT EXISTS (SELECT 1 FROM Tombstones WHERE id = @id)
            ON CONFLICT (id) DO UPDATE SET kek_id = excluded.kek_id, algorithm = excluded.algorithm, wrapped = excluded.wrapped;
            """;
        Add(command, "@id", id);
        Add(command, "@kek_id", key.KekId);
        Add(command, "@algorithm", key.Algorithm);
        Add(command, "@wrapped", Convert.ToBase64String(key.Wrapped));
        Add(command, "@created_at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<WrappedDataKey?> GetDataKeyAsync(string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kek_id, algorithm, wrapped FROM DataKeys WHERE id = @id;";
        Add(command, "@id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new WrappedDataKey(reader.GetString(0), reader.GetString(1), Convert.FromBase64String(reader.GetString(2)))
            : null;
    }

    public async Task<IReadOnlyList<(string Id, WrappedDataKey Key)>> ListDataKeysAsync(string? afterId, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, kek_id, algorithm, wrapped FROM DataKeys WHERE @after IS NULL OR id > @after ORDER BY id LIMIT @limit;";
        Add(command, "@after", afterId);
        Add(command, "@limit", limit);
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
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE DataKeys SET kek_id = @kek_id, algorithm = @algorithm, wrapped = @wrapped WHERE id = @id AND kek_id = @expected;";
        Add(command, "@id", id);
        Add(command, "@expected", expectedKekId);
        Add(command, "@kek_id", key.KekId);
        Add(command, "@algorithm", key.Algorithm);
        Add(command, "@wrapped", Convert.ToBase64String(key.Wrapped));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<long> CountTombstonesAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Tombstones;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
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
        foreach (var chunk in ids.Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var names = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                names.Add("@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Add(command, names[i], chunk[i]);
            }

            command.CommandText = "SELECT id FROM Tombstones WHERE id IN (" + string.Join(", ", names) + ");";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add(reader.GetString(0));
            }
        }

        return found;
    }

    public async Task<bool> SetPreservedAsync(string id, bool preserved, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE Recordings SET preserved = @preserved WHERE id = @id;";
        Add(command, "@id", id);
        Add(command, "@preserved", preserved ? 1 : 0);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListStartedBeforeAsync(
        DateTimeOffset before, DateTimeOffset? afterStartedAt, string? afterId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectEntry + " WHERE started_at < @before"
            + (afterStartedAt is null ? string.Empty : " AND (started_at > @after_started_at OR (started_at = @after_started_at AND id > @after_id))")
            + " ORDER BY started_at, id LIMIT @limit;";
        Add(command, "@before", before.ToUnixTimeMilliseconds());
        if (afterStartedAt is { } after)
        {
            Add(command, "@after_started_at", after.ToUnixTimeMilliseconds());
            Add(command, "@after_id", afterId ?? string.Empty);
        }

        Add(command, "@limit", limit);
        return await ReadEntriesAsync(command, ct);
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListAddedAfterAsync(long afterSequence, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectEntry + " WHERE seq > @after ORDER BY seq LIMIT @limit;";
        Add(command, "@after", afterSequence);
        Add(command, "@limit", limit);
        return await ReadEntriesAsync(command, ct);
    }

    public async Task<MaintenanceSettings?> GetMaintenanceSettingsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT retention_days, export_folder, file_name_pattern, purge_period_ms, export_period_ms
            FROM MaintenanceSettings WHERE id = 1;
            """;
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
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO MaintenanceSettings (id, retention_days, export_folder, file_name_pattern, purge_period_ms, export_period_ms, updated_at)
            VALUES (1, @retention_days, @export_folder, @file_name_pattern, @purge_period_ms, @export_period_ms, @updated_at)
            ON CONFLICT (id) DO UPDATE SET
                retention_days = excluded.retention_days, export_folder = excluded.export_folder,
                file_name_pattern = excluded.file_name_pattern, purge_period_ms = excluded.purge_period_ms,
                export_period_ms = excluded.export_period_ms, updated_at = excluded.updated_at;
            """;
        Add(command, "@retention_days", settings.RetentionDays);
        Add(command, "@export_folder", settings.ExportFolder);
        Add(command, "@file_name_pattern", settings.FileNamePattern);
        Add(command, "@purge_period_ms", (long)settings.PurgePeriod.TotalMilliseconds);
        Add(command, "@export_period_ms", (long)settings.ExportPeriod.TotalMilliseconds);
        Add(command, "@updated_at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task AddMaintenanceRunAsync(MaintenanceRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO MaintenanceRuns (" + RunColumns + ") VALUES "
            + "(@job, @node, @started_at, @ended_at, @result, @done, @skipped, @errors, @message);";
        Add(command, "@job", MaintenanceKeys.NameOf(run.Job));
        Add(command, "@node", run.Node);
        Add(command, "@started_at", run.StartedAt.ToUnixTimeMilliseconds());
        Add(command, "@ended_at", run.EndedAt.ToUnixTimeMilliseconds());
        Add(command, "@result", run.Result.ToString().ToLowerInvariant());
        Add(command, "@done", run.Done);
        Add(command, "@skipped", run.Skipped);
        Add(command, "@errors", run.Errors);
        Add(command, "@message", run.Message);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<MaintenanceRun>> GetMaintenanceRunsAsync(MaintenanceJob job, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + RunColumns + " FROM MaintenanceRuns WHERE job = @job ORDER BY run_id DESC LIMIT @limit;";
        Add(command, "@job", MaintenanceKeys.NameOf(job));
        Add(command, "@limit", limit);
        var runs = new List<MaintenanceRun>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new MaintenanceRun(
                job,
                reader.GetString(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
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
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM MaintenanceCheckpoints WHERE name = @name;";
        Add(command, "@name", name);
        return await command.ExecuteScalarAsync(ct) is long position ? position : 0;
    }

    public async Task AdvanceCheckpointAsync(string name, long position, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO MaintenanceCheckpoints (name, position, updated_at) VALUES (@name, @position, @updated_at)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            WHERE excluded.position > MaintenanceCheckpoints.position;
            """;
        Add(command, "@name", name);
        Add(command, "@position", position);
        Add(command, "@updated_at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    internal static string StatusText(RecordingStatus status) => status switch
    {
        RecordingStatus.Complete => "complete",
        RecordingStatus.Partial => "partial",
        RecordingStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>
    /// Adds the columns newer releases need to a Recordings table created by an older one (SQLite has no
    /// <c>ADD COLUMN IF NOT EXISTS</c>); existing rows get their insertion order from the rowid.
    /// </summary>
    private static async Task UpgradeRecordingsAsync(SqliteConnection connection, CancellationToken ct)
    {
        var columns = await ColumnsAsync(connection, "Recordings", ct);
        await using var upgrade = connection.CreateCommand();
        var sql = new StringBuilder();

        // No table yet: the script creates it with every column.
        if (columns.Count > 0 && !columns.Contains("preserved"))
        {
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN preserved INTEGER NOT NULL DEFAULT 0;");
        }

        if (columns.Count > 0 && !columns.Contains("seq"))
        {
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;");
            sql.AppendLine("UPDATE Recordings SET seq = rowid WHERE seq = 0;");
        }

        if (columns.Count > 0 && !columns.Contains("group_id"))
        {
            // Recordings indexed before groups existed stay groups of one: their group id is their own id.
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN call_key TEXT NULL;");
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN group_id TEXT NULL;");
            sql.AppendLine("UPDATE Recordings SET group_id = id WHERE group_id IS NULL;");
        }

        // Tombstones from before encryption (issue #16) get the proof-of-erasure columns.
        var tombstoneColumns = await ColumnsAsync(connection, "Tombstones", ct);
        if (tombstoneColumns.Count > 0 && !tombstoneColumns.Contains("actor"))
        {
            sql.AppendLine("ALTER TABLE Tombstones ADD COLUMN actor TEXT NULL;");
            sql.AppendLine("ALTER TABLE Tombstones ADD COLUMN key_erased INTEGER NOT NULL DEFAULT 0;");
        }

        if (sql.Length > 0)
        {
            upgrade.CommandText = "BEGIN IMMEDIATE;\n" + sql + "COMMIT;";
            await upgrade.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<HashSet<string>> ColumnsAsync(SqliteConnection connection, string table, CancellationToken ct)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var info = connection.CreateCommand();
        info.CommandText = "SELECT name FROM pragma_table_info(@table);";
        Add(info, "@table", table);
        await using var reader = await info.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<IReadOnlyList<RecordingGroup>> ReadGroupsAsync(SqliteCommand command, CancellationToken ct)
    {
        var rows = new List<(string, RecordingManifest)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), Deserialize(reader.GetString(1))));
        }

        return RecordingGroups.FromOrderedRows(rows);
    }

    private static async Task<IReadOnlyList<CatalogEntry>> ReadEntriesAsync(SqliteCommand command, CancellationToken ct)
    {
        var entries = new List<CatalogEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new CatalogEntry(Deserialize(reader.GetString(0)), reader.GetInt64(1), reader.GetInt64(2) != 0));
        }

        return entries;
    }

    private static void AddFilters(SqliteCommand command, RecordingQuery query)
    {
        if (query.From is { } from)
        {
            Add(command, "@from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            Add(command, "@to", to.ToUnixTimeMilliseconds());
        }

        if (query.Number is not null)
        {
            Add(command, "@number", query.Number);
        }

        if (query.Device is not null)
        {
            Add(command, "@device", query.Device);
        }

        if (query.Status is { } status)
        {
            Add(command, "@status", StatusText(status));
        }

        if (query.Flag is { } flag)
        {
            Add(command, "@flag", flag);
        }
    }

    private static void AddScope(SqliteCommand command, IReadOnlyList<(string Name, string Value)> scope)
    {
        foreach (var (name, value) in scope)
        {
            Add(command, "@" + name, value);
        }
    }

    private static void Add(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private static RecordingManifest Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest)
        ?? throw new InvalidDataException("The catalog holds a null manifest.");

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
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
