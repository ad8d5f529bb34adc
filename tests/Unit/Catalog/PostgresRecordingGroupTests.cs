using Npgsql;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary><see cref="RecordingGroupContract"/> on PostgreSQL: one fresh database for the class, emptied before each test.</summary>
public sealed class PostgresRecordingGroupTests(PostgresCatalogDatabase database)
    : RecordingGroupContract, IClassFixture<PostgresCatalogDatabase>, IAsyncLifetime
{
    private readonly PostgresRecordingCatalog _catalog = new(database.ConnectionString, groups: new RecordingGroupRules(Window));

    private protected override IRecordingCatalog Catalog => _catalog;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _catalog.InitializeAsync(ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var truncate = new NpgsqlCommand("TRUNCATE Recordings", connection);
        await truncate.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task ADatabaseFromBeforeGroupsGetsTheColumnsAndItsRecordingsAreGroupsOfOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                """
                DROP INDEX IF EXISTS IX_Recordings_call_key;
                DROP INDEX IF EXISTS IX_Recordings_group_id;
                ALTER TABLE Recordings DROP COLUMN call_key;
                ALTER TABLE Recordings DROP COLUMN group_id;
                INSERT INTO Recordings (id, started_at, ended_at, refci, status, recorded_by, sha256, size_bytes, manifest, seq)
                VALUES ('old', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '42', 'complete', 'node-a', 'aa', 1,
                    '{"id":"old","refci":"42","startedAt":"2026-01-01T00:00:00+00:00","endedAt":"2026-01-01T00:00:01+00:00","durationSeconds":1,"nearEnd":{},"farEnd":{},"format":"wav","sizeBytes":1,"sha256":"aa","recordedBy":"node-a","status":"complete"}', 1);
                """,
                connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        await _catalog.InitializeAsync(ct);
        await _catalog.InitializeAsync(ct);

        Assert.Equal(["old"], (await _catalog.GetGroupAsync("old", ct))!.Parts.Select(p => p.Id));
    }
}
