using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// The catalog in the cluster's PostgreSQL database: times as UTC <c>timestamptz</c> (Npgsql refuses other offsets),
/// the manifest as <c>json</c> (kept as given; <c>jsonb</c> would reorder it), writers serialized by advisory locks.
/// </summary>
internal sealed class PostgresCatalogDialect : CatalogDialect
{
    /// <summary>Advisory lock key that serializes <c>seq</c> assignment ("OrRecSeq").</summary>
    private const long SequenceLock = 0x4F72526563536571;

    public static PostgresCatalogDialect Instance { get; } = new();

    private PostgresCatalogDialect()
    {
    }

    public override string Name => "postgres";

    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        // seq must become visible in the order it is assigned, or the export's checkpoint could pass a recording
        // whose transaction commits later: one writer at a time, until commit.
        BeginLockedAsync(connection, SequenceLock, ct);

    public override Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct) =>
        // The key the Orleans scripts take too: nodes starting together change the schema one after the other
        // (CREATE TABLE IF NOT EXISTS is not safe under concurrency in PostgreSQL).
        BeginLockedAsync(connection, PostgresClusterSchema.SchemaLockKey, ct);

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    public override string JsonArrayElements(string column, string property) =>
        $"json_array_elements_text({column} -> '{property}') AS elements(value)";

    public override string JsonObjectElements(string column, params string[] path) =>
        $"json_array_elements({column}{string.Concat(path.Select(p => $" -> '{p}'"))}) AS elements(value)";

    public override string JsonText(string value, string property) => $"({value} ->> '{property}')";

    public override string EpochBucket(string column, int seconds) =>
        $"CAST(floor(extract(epoch FROM {column}) / {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}) AS bigint)";

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    protected override void Bind(DbParameter parameter, CatalogType type, object? value)
    {
        var npgsql = (NpgsqlParameter)parameter;
        switch (type)
        {
            case CatalogType.Time:
                npgsql.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                npgsql.Value = value is DateTimeOffset time ? time.UtcDateTime : DBNull.Value;
                break;
            case CatalogType.Json:
                npgsql.NpgsqlDbType = NpgsqlDbType.Json;
                npgsql.Value = value ?? DBNull.Value;
                break;
            default:
                base.Bind(parameter, type, value);
                break;
        }
    }

    private static async Task<DbTransaction> BeginLockedAsync(DbConnection connection, long key, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(ct);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }
}
