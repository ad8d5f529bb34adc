using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>A cluster file in a directory that does not exist yet (the catalog creates it), in a fresh temp directory.</summary>
internal sealed class SqliteCatalogTestDatabase : CatalogTestDatabase
{
    private readonly TempDirectory _directory = new();

    public SqliteCatalogTestDatabase() =>
        ConnectionString = SqliteClusterSchema.ConnectionStringFor(Path.Combine(_directory.Path, "nested"));

    public override CatalogDialect Dialect => SqliteCatalogDialect.Instance;

    public override string ConnectionString { get; }

    public static Task<CatalogTestDatabase> CreateAsync() => Task.FromResult<CatalogTestDatabase>(new SqliteCatalogTestDatabase());

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
