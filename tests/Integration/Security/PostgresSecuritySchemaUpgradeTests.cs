using Npgsql;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Integration.Security;

/// <summary>
/// Issue 19, findings 3 and 4 on PostgreSQL (the test server on 55432, a database of its own): a database made before
/// user ids, security stamps and key owners by id is upgraded in place by <c>postgres/recorder.sql</c>.
/// </summary>
public sealed class PostgresSecuritySchemaUpgradeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOlderDatabaseGainsIdsStampsAndKeyOwnersInPlace()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        await ExecuteAsync(database.ConnectionString, $"""
            CREATE TABLE Users (name text NOT NULL PRIMARY KEY, display_name text NULL, role text NOT NULL, password_hash text NOT NULL,
                numbers text NOT NULL DEFAULT '[]', devices text NOT NULL DEFAULT '[]', groups_json text NOT NULL DEFAULT '[]',
                disabled integer NOT NULL DEFAULT 0, created_at bigint NOT NULL, updated_at bigint NOT NULL);
            CREATE TABLE ApiKeys (id text NOT NULL PRIMARY KEY, name text NOT NULL, role text NOT NULL, owner text NULL,
                key_hash text NOT NULL UNIQUE, created_at bigint NOT NULL);
            INSERT INTO Users (name, role, password_hash, created_at, updated_at) VALUES ('alice', 'user', '{Passwords.Hash("password-1")}', 1, 1);
            INSERT INTO ApiKeys VALUES ('k1', 'crm', 'user', 'alice', '{ApiKeys.Hash("rk_alice")}', 1);
            INSERT INTO ApiKeys VALUES ('k2', 'old', 'user', 'ghost', '{ApiKeys.Hash("rk_ghost")}', 1);
            """);

        await new DbRecordingCatalog(PostgresCatalogDialect.Instance, database.ConnectionString).InitializeAsync(Ct);
        var store = new PostgresSecurityStore(database.ConnectionString);
        var alice = await store.GetUserAsync("alice", Ct);
        Assert.NotNull(alice);
        Assert.Equal(32, alice.Id.Length);
        Assert.Equal(32, alice.SecurityStamp.Length);
        Assert.Equal(alice.Id, (await store.FindApiKeyAsync(ApiKeys.Hash("rk_alice"), Ct))?.OwnerId);
        Assert.Null((await store.FindApiKeyAsync(ApiKeys.Hash("rk_ghost"), Ct))?.OwnerId);

        // A new "ghost" and the next start: the old key stays without an owner; alice keeps her id and stamp.
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.CreateUserAsync(new RecorderUser("ghost", null, RecorderRoles.User, Passwords.Hash("password-2"), [], [], [], false, now, now), Ct));
        await new DbRecordingCatalog(PostgresCatalogDialect.Instance, database.ConnectionString).InitializeAsync(Ct);
        Assert.Null((await store.FindApiKeyAsync(ApiKeys.Hash("rk_ghost"), Ct))?.OwnerId);
        var again = await store.GetUserAsync("alice", Ct);
        Assert.Equal(alice.Id, again?.Id);
        Assert.Equal(alice.SecurityStamp, again?.SecurityStamp);

        // The same store operations as on SQLite: stamps, by-id lookups, keys deleted with their owner.
        Assert.True(await store.SetSecurityStampAsync(alice.Id, "new-stamp", Ct));
        Assert.Equal("new-stamp", (await store.GetUserByIdAsync(alice.Id, Ct))?.SecurityStamp);
        Assert.True(await store.DeleteUserAsync("alice", Ct));
        Assert.Null(await store.FindApiKeyAsync(ApiKeys.Hash("rk_alice"), Ct));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
