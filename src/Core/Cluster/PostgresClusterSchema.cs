using System.Data;
using Npgsql;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>
/// Creates the Orleans ADO.NET clustering and reminder schema (<c>infra/sql/postgres/</c>) in the cluster's PostgreSQL
/// database.
/// </summary>
/// <remarks>
/// Every script is idempotent, so each node applies them at start-up. All scripts run in one transaction that first
/// takes a transaction-scoped advisory lock (<see cref="SchemaLockKey"/>): nodes starting together apply them one
/// after the other instead of racing on <c>CREATE TABLE IF NOT EXISTS</c> (which is not safe under concurrency in
/// PostgreSQL), and a failed script leaves nothing half-applied, because PostgreSQL DDL is transactional.
/// A script runs as one multi-statement command; Npgsql's parser keeps the <c>;</c> inside the dollar-quoted
/// query texts and function bodies.
/// </remarks>
internal static class PostgresClusterSchema
{
    /// <summary>The ADO.NET invariant for Orleans: it loads <c>Npgsql.NpgsqlFactory</c>.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The advisory-lock key that serializes schema changes of every OrleansRecorder node ("OREC" + 1).</summary>
    public const long SchemaLockKey = 0x4F52_4543_0000_0001;

    /// <summary>The scripts, in the order they must run.</summary>
    public static IReadOnlyList<string> Scripts { get; } =
    [
        "postgres/orleans-main.sql",
        "postgres/orleans-clustering.sql",
        "postgres/orleans-reminders.sql",
    ];

    /// <summary>Applies <see cref="Scripts"/> in order, in one transaction under the schema advisory lock.</summary>
    public static Task ApplyAsync(string connectionString, CancellationToken ct) =>
        ApplyScriptsAsync(connectionString, Scripts, ct);

    /// <summary>Applies embedded scripts in order, in one transaction under the schema advisory lock.</summary>
    internal static async Task ApplyScriptsAsync(string connectionString, IEnumerable<string> scripts, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(scripts);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        foreach (var script in scripts)
        {
            await using var command = new NpgsqlCommand(SqlScripts.Read(script), connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}
