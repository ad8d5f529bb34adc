using Microsoft.Data.Sqlite;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>
/// Creates the Orleans ADO.NET clustering and reminder schema (<c>infra/sql/sqlite/</c>) in the cluster's SQLite file.
/// </summary>
/// <remarks>
/// Every script is idempotent, so each node applies them at start-up. A script runs as one multi-statement command:
/// SQLite's own tokenizer splits it, so the <c>;</c> inside the quoted query texts stay where they belong.
/// </remarks>
internal static class SqliteClusterSchema
{
    /// <summary>The ADO.NET invariant for Orleans: it loads Microsoft.Data.Sqlite's factory.</summary>
    public const string Invariant = "System.Data.SQLite";

    /// <summary>The scripts, in the order they must run.</summary>
    public static IReadOnlyList<string> Scripts { get; } =
    [
        "sqlite/orleans-main.sql",
        "sqlite/orleans-clustering.sql",
        "sqlite/orleans-reminders.sql",
    ];

    /// <summary>The cluster database in a data directory: <c>{dataDirectory}/cluster.db</c>, 30 s busy wait.</summary>
    public static string ConnectionStringFor(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Path.GetFullPath(dataDirectory), "cluster.db"),
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Creates the database file's directory if needed and applies the scripts in order.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        EnsureDirectory(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        foreach (var script in Scripts)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SqlScripts.Read(script);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Creates the directory of a file data source (not for <c>:memory:</c> or URI file names).</summary>
    internal static void EnsureDirectory(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Security.PrivateFiles.CreateDirectory(directory);
        }

        // Made empty and 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
        Security.PrivateFiles.CreateEmpty(Path.GetFullPath(dataSource));
    }
}
