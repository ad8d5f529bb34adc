using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteDataKeyCatalogTests : DataKeyCatalogContract, IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private DbRecordingCatalog _catalog = null!;

    private protected override IRecordingCatalog Catalog => _catalog;

    public async ValueTask InitializeAsync()
    {
        _catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, SqliteClusterSchema.ConnectionStringFor(_directory.Path));
        await _catalog.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ADatabaseFromBeforeEncryptionIsUpgradedInPlace()
    {
        using var old = new TempDirectory();
        var connectionString = SqliteClusterSchema.ConnectionStringFor(old.Path);
        SqliteClusterSchema.EnsureDirectory(connectionString);
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE Tombstones (id TEXT NOT NULL PRIMARY KEY, deleted_at INTEGER NOT NULL, reason TEXT NOT NULL);
                INSERT INTO Tombstones VALUES ('old', 1750000000000, 'purge');
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        var catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, connectionString);
        await catalog.InitializeAsync(Ct);
        await catalog.InitializeAsync(Ct);

        Assert.Equal(new CatalogTombstone("old", DateTimeOffset.FromUnixTimeMilliseconds(1750000000000), "purge", null, false),
            await catalog.GetTombstoneAsync("old", Ct));
        await catalog.AddDataKeyAsync("new", new("k", "A256KWP", new byte[40]), Ct);
        await catalog.AddTombstoneAsync("new", DateTimeOffset.UnixEpoch, "x", "bob", Ct);
        Assert.True((await catalog.GetTombstoneAsync("new", Ct))!.KeyErased);
        SqliteConnection.ClearAllPools();
    }
}
