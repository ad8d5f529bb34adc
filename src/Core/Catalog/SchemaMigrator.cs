using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// Brings the cluster database's schema up to date at start: applies, in version order, each numbered migration
/// (<c>infra/sql/{database}/migrations/NNNN_name.sql</c>, embedded in the silo) that the <c>SchemaMigrations</c>
/// table does not record, each in its own transaction together with its record, so it applies once per database.
/// </summary>
/// <remarks>
/// Every migration runs under <see cref="CatalogDialect.BeginMigrationAsync"/> (PostgreSQL: the schema advisory lock;
/// SQLite: <c>BEGIN IMMEDIATE</c>) and checks its record again once it holds the lock: nodes starting together wait
/// for each other and the second finds the work done. A migration that fails rolls back whole (DDL is transactional
/// on both databases) and the node does not start. Versions this release does not know (a newer node migrated the
/// database) are left alone.
/// </remarks>
internal static partial class SchemaMigrator
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS SchemaMigrations
        (
            version integer NOT NULL PRIMARY KEY,
            name text NOT NULL,
            applied_at bigint NOT NULL
        )
        """;

    /// <summary>The migrations of a database, in version order; throws when two share a version or one is missing.</summary>
    public static IReadOnlyList<SchemaMigration> Load(CatalogDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var prefix = "Sql/" + dialect.Name + "/migrations/";
        var migrations = new List<SchemaMigration>();
        foreach (var resource in typeof(SchemaMigrator).Assembly.GetManifestResourceNames())
        {
            var path = resource.Replace('\\', '/');
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var file = path[prefix.Length..];
            var match = FileName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration file '{file}' is not named NNNN_name.sql.");
            }

            var version = int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            migrations.Add(new SchemaMigration(version, match.Groups["name"].Value, SqlScripts.Read(dialect.Name + "/migrations/" + file)));
        }

        return InOrder(dialect.Name, migrations);
    }

    /// <summary>The migrations by version; throws unless they are numbered 1, 2, 3, ... once each.</summary>
    internal static IReadOnlyList<SchemaMigration> InOrder(string database, IEnumerable<SchemaMigration> migrations)
    {
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version != i + 1)
            {
                // Two branches that each added the next number, or a gap: renumber before it reaches a database.
                throw new InvalidOperationException(
                    $"The {database} migrations must be numbered 1, 2, 3, ... once each; found {string.Join(", ", ordered.Select(m => m.Version))}.");
            }
        }

        return ordered;
    }

    /// <summary>Applies the migrations the database lacks; returns those it applied (none when it was up to date).</summary>
    public static async Task<IReadOnlyList<SchemaMigration>> ApplyAsync(
        CatalogDialect dialect, string connectionString, TimeProvider timeProvider, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var migrations = Load(dialect);
        await dialect.PrepareAsync(connectionString, ct);
        await using var connection = await dialect.OpenAsync(connectionString, ct);

        IReadOnlySet<int> recorded;
        await using (var transaction = await dialect.BeginMigrationAsync(connection, ct))
        {
            await ExecuteAsync(connection, transaction, CreateTable, ct);
            recorded = await RecordedAsync(connection, transaction, ct);
            await transaction.CommitAsync(ct);
        }

        var applied = new List<SchemaMigration>();
        foreach (var migration in migrations.Where(m => !recorded.Contains(m.Version)))
        {
            await using var transaction = await dialect.BeginMigrationAsync(connection, ct);
            if ((await RecordedAsync(connection, transaction, ct)).Contains(migration.Version))
            {
                await transaction.CommitAsync(ct); // another node applied it while this one waited for the lock
                continue;
            }

            await dialect.BeforeMigrationAsync(migration.Version, connection, transaction, ct);
            await ExecuteAsync(connection, transaction, migration.Script, ct);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO SchemaMigrations (version, name, applied_at) VALUES (@version, @name, @applied_at)";
                dialect.Add(record, "version", CatalogType.Integer, migration.Version);
                dialect.Add(record, "name", CatalogType.Text, migration.Name);
                dialect.Add(record, "applied_at", CatalogType.Integer, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            applied.Add(migration);
        }

        return applied;
    }

    private static async Task<IReadOnlySet<int>> RecordedAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM SchemaMigrations";
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return versions;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[a-z0-9_-]+)\.sql$")]
    private static partial Regex FileName();
}
