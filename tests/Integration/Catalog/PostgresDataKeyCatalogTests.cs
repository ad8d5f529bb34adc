using Npgsql;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Integration.Catalog;

/// <summary>
/// <see cref="DataKeyCatalogContract"/> on PostgreSQL; each database is created with the Tombstones table of a release
/// before encryption, so every test also runs on a schema migrated in place (migration 4).
/// </summary>
public sealed class PostgresDataKeyCatalogTests : DataKeyCatalogContract, IAsyncLifetime
{
    private CatalogTestDatabase _database = null!;
    private DbRecordingCatalog _catalog = null!;

    private protected override IRecordingCatalog Catalog => _catalog;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresCatalogTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                """
                CREATE TABLE IF NOT EXISTS Tombstones (id text NOT NULL PRIMARY KEY, deleted_at timestamptz NOT NULL, reason text NOT NULL);
                INSERT INTO Tombstones (id, deleted_at, reason) VALUES ('old', '2025-06-15T12:00:00Z', 'purge') ON CONFLICT DO NOTHING;
                """, connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        _catalog = new DbRecordingCatalog(PostgresCatalogDialect.Instance, _database.ConnectionString);
        await _catalog.InitializeAsync(Ct);
        await _catalog.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task ATombstoneFromBeforeEncryptionIsStillRead()
    {
        Assert.Equal(new CatalogTombstone("old", new DateTimeOffset(2025, 6, 15, 12, 0, 0, TimeSpan.Zero), "purge", null, false),
            await _catalog.GetTombstoneAsync("old", Ct));
    }
}
