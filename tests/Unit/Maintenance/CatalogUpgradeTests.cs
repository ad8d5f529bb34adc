using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Maintenance;

public sealed class CatalogUpgradeTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task AnOlderCatalogFileGetsThePreservedAndSequenceColumns()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = SqliteClusterSchema.ConnectionStringFor(_directory.Path);
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE Recordings (id TEXT NOT NULL PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL,
                    near_number TEXT NULL, near_device TEXT NULL, far_number TEXT NULL, far_device TEXT NULL, refci TEXT NULL,
                    status TEXT NOT NULL, recorded_by TEXT NOT NULL, sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, manifest TEXT NOT NULL);
                INSERT INTO Recordings VALUES ('old', 0, 1, NULL, NULL, NULL, NULL, NULL, 'complete', 'node-a', 'aa', 1,
                    '{"id":"old","startedAt":"1970-01-01T00:00:00+00:00","endedAt":"1970-01-01T00:00:00.001+00:00","durationSeconds":0,"nearEnd":{},"farEnd":{},"format":"wav","sizeBytes":1,"sha256":"aa","recordedBy":"node-a","status":"complete"}');
                """;
            await command.ExecuteNonQueryAsync(ct);
        }

        var catalog = new SqliteRecordingCatalog(connectionString);
        await catalog.InitializeAsync(ct);
        await catalog.InitializeAsync(ct);

        var entry = Assert.Single(await catalog.ListAddedAfterAsync(0, 10, ct));
        Assert.Equal(("old", 1L, false), (entry.Manifest.Id, entry.Sequence, entry.Preserved));
        Assert.True(await catalog.SetPreservedAsync("old", true, ct));
        Assert.True(Assert.Single(await catalog.ListStartedBeforeAsync(DateTimeOffset.UnixEpoch.AddDays(1), null, null, 10, ct)).Preserved);
        Assert.False(await catalog.SetPreservedAsync("missing", true, ct));
    }
}
