using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The catalog in the cluster's SQLite file: times in Unix milliseconds, WAL mode, one writer at a time.</summary>
/// <remarks>
/// Writers wait for each other through the connection string's <c>Default Timeout</c> (<c>BEGIN IMMEDIATE</c> takes
/// the file's write lock at once); WAL mode lets readers run during a write.
/// </remarks>
internal sealed class SqliteCatalogDialect : CatalogDialect
{
    public static SqliteCatalogDialect Instance { get; } = new();

    private SqliteCatalogDialect()
    {
    }

    public override string Name => "sqlite";

    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    public override async Task PrepareAsync(string connectionString, CancellationToken ct)
    {
        SqliteClusterSchema.EnsureDirectory(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;"; // not allowed inside a transaction
        await command.ExecuteNonQueryAsync(ct);
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false)); // BEGIN IMMEDIATE

    public override Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct) =>
        BeginWriteAsync(connection, ct);

    public override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        // Deferred: the snapshot starts at the first read and holds to the end (WAL), without blocking writers.
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override async Task BeforeMigrationAsync(int version, DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        if (version == 1)
        {
            await AddLegacyColumnsAsync((SqliteConnection)connection, (SqliteTransaction)transaction, ct);
        }
    }

    public override string JsonArrayElements(string column, string property) => $"json_each({column}, '$.{property}')";

    public override string JsonObjectElements(string column, params string[] path) => $"json_each({column}, '$.{string.Join('.', path)}')";

    public override string JsonText(string value, string property) => $"json_extract({value}, '$.{property}')";

    public override string EpochBucket(string column, int seconds) =>
        $"({column} / {(seconds * 1000L).ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    protected override void Bind(DbParameter parameter, CatalogType type, object? value)
    {
        if (type != CatalogType.Time)
        {
            base.Bind(parameter, type, value);
            return;
        }

        parameter.DbType = System.Data.DbType.Int64;
        parameter.Value = value is DateTimeOffset time ? time.ToUnixTimeMilliseconds() : DBNull.Value;
    }

    /// <summary>
    /// Migration 1 on a file made before migrations: adds the columns later releases added to Recordings (SQLite has
    /// no <c>ADD COLUMN IF NOT EXISTS</c>), so the script's indexes on them apply. Rows that predate <c>seq</c> take
    /// their insertion order from the rowid; rows that predate groups stay groups of one (their own id).
    /// </summary>
    private static async Task AddLegacyColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken ct)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var info = connection.CreateCommand())
        {
            info.Transaction = transaction;
            info.CommandText = "SELECT name FROM pragma_table_info('Recordings');";
            await using var reader = await info.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                columns.Add(reader.GetString(0));
            }
        }

        if (columns.Count == 0)
        {
            return; // no table yet: the script creates it with every column
        }

        var sql = new StringBuilder();
        if (!columns.Contains("preserved"))
        {
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN preserved INTEGER NOT NULL DEFAULT 0;");
        }

        if (!columns.Contains("seq"))
        {
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;");
            sql.AppendLine("UPDATE Recordings SET seq = rowid WHERE seq = 0;");
        }

        if (!columns.Contains("group_id"))
        {
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN call_key TEXT NULL;");
            sql.AppendLine("ALTER TABLE Recordings ADD COLUMN group_id TEXT NULL;");
            sql.AppendLine("UPDATE Recordings SET group_id = id WHERE group_id IS NULL;");
        }

        if (sql.Length > 0)
        {
            await using var upgrade = connection.CreateCommand();
            upgrade.Transaction = transaction;
            upgrade.CommandText = sql.ToString();
            await upgrade.ExecuteNonQueryAsync(ct);
        }
    }
}
