using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// <see cref="ISecurityStore"/> over ADO.NET: the SQL is the same on SQLite and PostgreSQL (times are Unix
/// milliseconds in integer columns, lists are JSON text), so only the connection differs. Parameterized SQL only;
/// each call opens its own pooled connection.
/// </summary>
internal abstract class DbSecurityStore : ISecurityStore
{
    private const string UserColumns = "name, display_name, role, password_hash, numbers, devices, groups_json, disabled, created_at, updated_at, user_id, security_stamp";
    private const string KeyColumns = "id, name, role, owner, key_hash, created_at, owner_id";
    private const string AuditColumns = "seq, at, user_name, source, action, target, details";

    public async Task<RecorderUser?> GetUserAsync(string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + UserColumns + " FROM Users WHERE name = @name");
        Add(command, "name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadUser(reader) : null;
    }

    public async Task<RecorderUser?> GetUserByIdAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + UserColumns + " FROM Users WHERE user_id = @user_id");
        Add(command, "user_id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadUser(reader) : null;
    }

    public async Task<bool> SetSecurityStampAsync(string id, string stamp, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(stamp);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "UPDATE Users SET security_stamp = @security_stamp WHERE user_id = @user_id");
        Add(command, "security_stamp", stamp);
        Add(command, "user_id", id);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<RecorderUser>> ListUsersAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + UserColumns + " FROM Users ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var users = new List<RecorderUser>();
        while (await reader.ReadAsync(ct))
        {
            users.Add(ReadUser(reader));
        }

        return users;
    }

    public async Task<bool> CreateUserAsync(RecorderUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "INSERT INTO Users (" + UserColumns + ") VALUES "
            + "(@name, @display_name, @role, @password_hash, @numbers, @devices, @groups_json, @disabled, @created_at, @updated_at, @user_id, @security_stamp) "
            + "ON CONFLICT (name) DO NOTHING");
        AddUser(command, user);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<bool> UpdateUserAsync(RecorderUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, """
            UPDATE Users SET display_name = @display_name, role = @role, password_hash = @password_hash, numbers = @numbers,
                devices = @devices, groups_json = @groups_json, disabled = @disabled, updated_at = @updated_at,
                security_stamp = @security_stamp
            WHERE name = @name AND user_id = @user_id
            """);
        AddUser(command, user);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<bool> DeleteUserAsync(string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The user's keys go with it (they would be refused anyway: their owner id no longer exists).
        await using (var keys = Command(connection, "DELETE FROM ApiKeys WHERE owner_id IN (SELECT user_id FROM Users WHERE name = @name)"))
        {
            keys.Transaction = transaction;
            Add(keys, "name", name);
            await keys.ExecuteNonQueryAsync(ct);
        }

        await using var command = Command(connection, "DELETE FROM Users WHERE name = @name");
        command.Transaction = transaction;
        Add(command, "name", name);
        var deleted = await command.ExecuteNonQueryAsync(ct) > 0;
        await transaction.CommitAsync(ct);
        return deleted;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + KeyColumns + " FROM ApiKeys ORDER BY name, id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    public async Task AddApiKeyAsync(ApiKeyRecord key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "INSERT INTO ApiKeys (" + KeyColumns + ") VALUES (@id, @name, @role, @owner, @key_hash, @created_at, @owner_id)");
        Add(command, "id", key.Id);
        Add(command, "name", key.Name);
        Add(command, "role", key.Role);
        Add(command, "owner", key.Owner);
        Add(command, "key_hash", key.KeyHash);
        Add(command, "created_at", key.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "owner_id", key.OwnerId);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string keyHash, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + KeyColumns + " FROM ApiKeys WHERE key_hash = @key_hash");
        Add(command, "key_hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadKey(reader) : null;
    }

    public async Task<bool> DeleteApiKeyAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "DELETE FROM ApiKeys WHERE id = @id");
        Add(command, "id", id);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>
    /// Signs each appended audit entry and chains it to the previous one (docs/TAMPER_EVIDENCE.md); null appends plain
    /// rows (tools and tests that open the store without a node key).
    /// </summary>
    public Integrity.NodeSigningKey? AuditSigner { get; init; }

    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // Cut again here: the store is the last line before an append-only table, whoever called it.
        entry = AuditLimits.Apply(entry);
        await using var connection = await OpenAsync(ct);
        if (AuditSigner is not { } signer)
        {
            await using var plain = Command(connection,
                "INSERT INTO AuditLog (at, user_name, source, action, target, details) VALUES (@at, @user_name, @source, @action, @target, @details)");
            AddAudit(plain, entry);
            await plain.ExecuteNonQueryAsync(ct);
            return;
        }

        // One chain for the cluster: reading the last hash and appending after it is one step under the database's
        // write lock (SQLite: the transaction begins IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock).
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (AuditChainLockSql is { } lockSql)
        {
            await using var lockCommand = Command(connection, lockSql);
            lockCommand.Transaction = transaction;
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        string prev;
        await using (var last = Command(connection, "SELECT hash FROM AuditLog ORDER BY seq DESC LIMIT 1"))
        {
            last.Transaction = transaction;
            prev = await last.ExecuteScalarAsync(ct) is string hash ? hash : Integrity.ManifestSealing.Genesis;
        }

        var (entryHash, signature) = Integrity.AuditChain.Sign(signer, prev, entry);
        await using var command = Command(connection,
            "INSERT INTO AuditLog (at, user_name, source, action, target, details, prev_hash, hash, key_id, signature) " +
            "VALUES (@at, @user_name, @source, @action, @target, @details, @prev_hash, @hash, @key_id, @signature)");
        command.Transaction = transaction;
        AddAudit(command, entry);
        Add(command, "prev_hash", prev);
        Add(command, "hash", entryHash);
        Add(command, "key_id", signer.KeyId);
        Add(command, "signature", signature);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>The whole audit log with its chain columns, oldest first (what <c>verify</c> checks).</summary>
    public async Task<IReadOnlyList<Integrity.ChainedAuditEntry>> ListAuditChainAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + AuditColumns + ", prev_hash, hash, key_id, signature FROM AuditLog ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<Integrity.ChainedAuditEntry>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Integrity.ChainedAuditEntry(
                ReadAudit(reader), NullableString(reader, 7), NullableString(reader, 8), NullableString(reader, 9), NullableString(reader, 10)));
        }

        return rows;
    }

    /// <summary>Publishes a node's public signing key (idempotent), so other nodes can check what it signed.</summary>
    public async Task PublishSigningKeyAsync(string keyId, string node, string publicKeyPem, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "INSERT INTO SigningKeys (key_id, node, public_key, created_at) VALUES (@key_id, @node, @public_key, @created_at) ON CONFLICT (key_id) DO NOTHING");
        Add(command, "key_id", keyId);
        Add(command, "node", node);
        Add(command, "public_key", publicKeyPem);
        Add(command, "created_at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every published public signing key: id, node, PEM.</summary>
    public async Task<IReadOnlyList<(string KeyId, string Node, string PublicKeyPem)>> ListSigningKeysAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT key_id, node, public_key FROM SigningKeys ORDER BY created_at, key_id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<(string, string, string)>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return keys;
    }

    /// <summary>SQL that takes the audit chain's lock inside the append's transaction; null when the transaction itself does.</summary>
    protected virtual string? AuditChainLockSql => null;

    public async Task<(IReadOnlyList<AuditEntry> Items, long Total)> QueryAuditAsync(AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        var where = AuditWhere(query);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var count = Command(connection, "SELECT COUNT(*) FROM AuditLog" + where);
        count.Transaction = transaction;
        AddAuditFilters(count, query);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);

        await using var select = Command(connection, "SELECT " + AuditColumns + " FROM AuditLog" + where + " ORDER BY seq DESC LIMIT @limit OFFSET @offset");
        select.Transaction = transaction;
        AddAuditFilters(select, query);
        Add(select, "limit", (long)query.PageSize);
        Add(select, "offset", (long)(query.Page - 1) * query.PageSize);
        var items = new List<AuditEntry>();
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(ReadAudit(reader));
            }
        }

        await transaction.CommitAsync(ct);
        return (items, total);
    }

    public async IAsyncEnumerable<AuditEntry> StreamAuditAsync(AuditQuery query, int limit, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 0);
        await using var connection = await OpenAsync(ct);
        await using var select = Command(connection, "SELECT " + AuditColumns + " FROM AuditLog" + AuditWhere(query) + " ORDER BY seq DESC LIMIT @limit");
        AddAuditFilters(select, query);
        Add(select, "limit", (long)limit);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return ReadAudit(reader);
        }
    }

    private static string AuditWhere(AuditQuery query)
    {
        var where = new StringBuilder(" WHERE 1 = 1");
        if (query.From is not null)
        {
            where.Append(" AND at >= @from");
        }

        if (query.To is not null)
        {
            where.Append(" AND at < @to");
        }

        if (query.User is not null)
        {
            where.Append(" AND user_name = @user_name");
        }

        if (query.Action is not null)
        {
            where.Append(" AND action = @action");
        }

        return where.ToString();
    }

    public async Task<IReadOnlyList<RecordingNote>> ListNotesAsync(string recordingId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingId);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "SELECT note_id, recording_id, at, user_name, text FROM RecordingNotes WHERE recording_id = @recording_id ORDER BY note_id");
        Add(command, "recording_id", recordingId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var notes = new List<RecordingNote>();
        while (await reader.ReadAsync(ct))
        {
            notes.Add(new RecordingNote(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                reader.GetString(1),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)),
                reader.GetString(3),
                reader.GetString(4)));
        }

        return notes;
    }

    public async Task<RecordingNote> AddNoteAsync(string recordingId, string user, string text, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingId);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "INSERT INTO RecordingNotes (recording_id, at, user_name, text) VALUES (@recording_id, @at, @user_name, @text) RETURNING note_id");
        Add(command, "recording_id", recordingId);
        Add(command, "at", at.ToUnixTimeMilliseconds());
        Add(command, "user_name", user);
        Add(command, "text", text);
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return new RecordingNote(id, recordingId, DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), user, text);
    }

    public async Task<IReadOnlyList<string>> GetTagsAsync(string recordingId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingId);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT tag FROM RecordingTags WHERE recording_id = @recording_id ORDER BY tag");
        Add(command, "recording_id", recordingId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tags = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            tags.Add(reader.GetString(0));
        }

        return tags;
    }

    public async Task SetTagsAsync(string recordingId, IReadOnlyList<string> tags, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingId);
        ArgumentNullException.ThrowIfNull(tags);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var delete = Command(connection, "DELETE FROM RecordingTags WHERE recording_id = @recording_id"))
        {
            delete.Transaction = transaction;
            Add(delete, "recording_id", recordingId);
            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            await using var insert = Command(connection, "INSERT INTO RecordingTags (recording_id, tag) VALUES (@recording_id, @tag)");
            insert.Transaction = transaction;
            Add(insert, "recording_id", recordingId);
            Add(insert, "tag", tag);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<bool?> GetPreservedAsync(string recordingId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingId);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT CASE WHEN preserved THEN 1 ELSE 0 END FROM Recordings WHERE id = @id");
        Add(command, "id", recordingId);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>A new, open connection to the cluster database.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, string? value) => Add(command, name, DbType.String, value);

    private static void Add(DbCommand command, string name, long value) => Add(command, name, DbType.Int64, value);

    private static void Add(DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void AddUser(DbCommand command, RecorderUser user)
    {
        Add(command, "name", user.Name);
        Add(command, "display_name", user.DisplayName);
        Add(command, "role", user.Role);
        Add(command, "password_hash", user.PasswordHash);
        Add(command, "numbers", JsonSerializer.Serialize(user.Numbers, SecurityJsonContext.Default.IReadOnlyListString));
        Add(command, "devices", JsonSerializer.Serialize(user.Devices, SecurityJsonContext.Default.IReadOnlyListString));
        Add(command, "groups_json", JsonSerializer.Serialize(user.Groups, SecurityJsonContext.Default.IReadOnlyListString));
        Add(command, "disabled", DbType.Int32, user.Disabled ? 1 : 0);
        Add(command, "created_at", user.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "updated_at", user.UpdatedAt.ToUnixTimeMilliseconds());
        Add(command, "user_id", user.Id);
        Add(command, "security_stamp", user.SecurityStamp);
    }

    private static void AddAuditFilters(DbCommand command, AuditQuery query)
    {
        if (query.From is { } from)
        {
            Add(command, "from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            Add(command, "to", to.ToUnixTimeMilliseconds());
        }

        if (query.User is not null)
        {
            Add(command, "user_name", query.User);
        }

        if (query.Action is not null)
        {
            Add(command, "action", query.Action);
        }
    }

    private static void AddAudit(DbCommand command, AuditEntry entry)
    {
        Add(command, "at", entry.At.ToUnixTimeMilliseconds());
        Add(command, "user_name", entry.User);
        Add(command, "source", entry.Source);
        Add(command, "action", entry.Action);
        Add(command, "target", entry.Target);
        Add(command, "details", entry.Details);
    }

    private static AuditEntry ReadAudit(DbDataReader reader) => new(
        Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
        NullableString(reader, 2),
        NullableString(reader, 3),
        reader.GetString(4),
        NullableString(reader, 5),
        NullableString(reader, 6));

    private static RecorderUser ReadUser(DbDataReader reader) => new(
        reader.GetString(0),
        NullableString(reader, 1),
        reader.GetString(2),
        reader.GetString(3),
        List(reader.GetString(4)),
        List(reader.GetString(5)),
        List(reader.GetString(6)),
        Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture) != 0,
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(8), CultureInfo.InvariantCulture)),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(9), CultureInfo.InvariantCulture)))
    {
        Id = reader.GetString(10),
        SecurityStamp = reader.GetString(11),
    };

    private static ApiKeyRecord ReadKey(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        NullableString(reader, 3),
        reader.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture)),
        NullableString(reader, 6));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static IReadOnlyList<string> List(string json) =>
        JsonSerializer.Deserialize(json, SecurityJsonContext.Default.IReadOnlyListString) ?? [];
}

/// <summary>The security tables in the cluster's SQLite file.</summary>
internal sealed class SqliteSecurityStore(string connectionString) : DbSecurityStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
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

/// <summary>The security tables in the cluster's PostgreSQL database.</summary>
internal sealed class PostgresSecurityStore(string connectionString) : DbSecurityStore
{
    /// <summary>Any constant names the lock; this one is issue 16's.</summary>
    protected override string? AuditChainLockSql => "SELECT pg_advisory_xact_lock(1600416)";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
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
