using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteRecordingGroupTests : RecordingGroupContract, IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteRecordingCatalog _catalog = null!;

    private protected override IRecordingCatalog Catalog => _catalog;

    public async ValueTask InitializeAsync()
    {
        _catalog = new SqliteRecordingCatalog(SqliteClusterSchema.ConnectionStringFor(_directory.Path), groups: new RecordingGroupRules(Window));
        await _catalog.InitializeAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ACatalogFileFromBeforeGroupsGetsTheColumnsAndItsRecordingsAreGroupsOfOne()
    {
        var ct = TestContext.Current.CancellationToken;
        using var old = new TempDirectory();
        var connectionString = SqliteClusterSchema.ConnectionStringFor(old.Path);
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE Recordings (id TEXT NOT NULL PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL,
                    near_number TEXT NULL, near_device TEXT NULL, far_number TEXT NULL, far_device TEXT NULL, refci TEXT NULL,
                    status TEXT NOT NULL, recorded_by TEXT NOT NULL, sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, manifest TEXT NOT NULL,
                    preserved INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0);
                INSERT INTO Recordings VALUES ('old', 0, 1, '1001', NULL, NULL, NULL, '42', 'complete', 'node-a', 'aa', 1,
                    '{"id":"old","refci":"42","startedAt":"1970-01-01T00:00:00+00:00","endedAt":"1970-01-01T00:00:00.001+00:00","durationSeconds":0,"nearEnd":{"number":"1001"},"farEnd":{},"format":"wav","sizeBytes":1,"sha256":"aa","recordedBy":"node-a","status":"complete"}', 0, 1);
                """;
            await command.ExecuteNonQueryAsync(ct);
        }

        var catalog = new SqliteRecordingCatalog(connectionString);
        await catalog.InitializeAsync(ct);
        await catalog.InitializeAsync(ct);

        Assert.Equal(["old"], (await catalog.GetGroupAsync("old", ct))!.Parts.Select(p => p.Id));
        var page = await catalog.QueryAsync(new RecordingQuery(null, null, null, null, null) { GroupByCall = true }, ct);
        Assert.Equal(["old"], page.Items.Select(m => m.Id));
        SqliteConnection.ClearAllPools();
    }
}
