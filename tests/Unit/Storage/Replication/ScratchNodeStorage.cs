using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>A node's real catalog (SQLite) and real store (files) in a temporary directory, for the replication tests.</summary>
internal sealed class ScratchNodeStorage : IDisposable
{
    private readonly TempDirectory _directory = new();

    private ScratchNodeStorage(TimeProvider timeProvider)
    {
        Catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, SqliteClusterSchema.ConnectionStringFor(Path.Combine(_directory.Path, "db")));
        Store = new FileNodeLocalStore(StorePath, timeProvider);
    }

    public DbRecordingCatalog Catalog { get; }

    public FileNodeLocalStore Store { get; }

    public string StorePath => Path.Combine(_directory.Path, "store");

    public static async Task<ScratchNodeStorage> CreateAsync(TimeProvider timeProvider)
    {
        var storage = new ScratchNodeStorage(timeProvider);
        await storage.Catalog.InitializeAsync(TestContext.Current.CancellationToken);
        return storage;
    }

    public void Dispose()
    {
        // SQLite keeps pooled connections (and so the file) open.
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
