using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>
/// Issue 19, findings 3 and 4 on SQLite: a database made before user ids, security stamps and key owners by id is
/// upgraded in place; keys are bound to their owner's id once, and a later user of a deleted owner's name never
/// inherits them.
/// </summary>
public sealed class SecuritySchemaUpgradeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("security-upgrade-").FullName;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), Pooling = false }.ToString();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOlderDatabaseGainsIdsStampsAndKeyOwnersInPlace()
    {
        // The tables as the previous release made them, with a user, its key, and a key of a user deleted since.
        await ExecuteAsync($"""
            CREATE TABLE Users (name TEXT NOT NULL PRIMARY KEY, display_name TEXT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                numbers TEXT NOT NULL DEFAULT '[]', devices TEXT NOT NULL DEFAULT '[]', groups_json TEXT NOT NULL DEFAULT '[]',
                disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
            CREATE TABLE ApiKeys (id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, owner TEXT NULL,
                key_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
            INSERT INTO Users (name, role, password_hash, created_at, updated_at) VALUES ('alice', 'user', '{Passwords.Hash("password-1")}', 1, 1);
            INSERT INTO ApiKeys VALUES ('k1', 'crm', 'user', 'alice', '{ApiKeys.Hash("rk_alice")}', 1);
            INSERT INTO ApiKeys VALUES ('k2', 'old', 'user', 'ghost', '{ApiKeys.Hash("rk_ghost")}', 1);
            """);

        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, ConnectionString).InitializeAsync(Ct);
        var store = new SqliteSecurityStore(ConnectionString);
        var alice = await store.GetUserAsync("alice", Ct);
        Assert.NotNull(alice);
        Assert.Equal(32, alice.Id.Length);
        Assert.Equal(32, alice.SecurityStamp.Length);
        Assert.True(Passwords.Verify(alice.PasswordHash, "password-1"));
        Assert.Equal(alice.Id, (await store.FindApiKeyAsync(ApiKeys.Hash("rk_alice"), Ct))?.OwnerId);
        Assert.Null((await store.FindApiKeyAsync(ApiKeys.Hash("rk_ghost"), Ct))?.OwnerId);

        // A new "ghost", and the schema applied again at the next start: the old key stays without an owner.
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.CreateUserAsync(new RecorderUser("ghost", null, RecorderRoles.User, Passwords.Hash("password-2"), [], [], [], false, now, now), Ct));
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, ConnectionString).InitializeAsync(Ct);
        Assert.Null((await store.FindApiKeyAsync(ApiKeys.Hash("rk_ghost"), Ct))?.OwnerId);
        Assert.Equal(alice.Id, (await store.GetUserAsync("alice", Ct))?.Id);
        Assert.Equal(alice.SecurityStamp, (await store.GetUserAsync("alice", Ct))?.SecurityStamp);
    }

    [Fact]
    public async Task StampsChangeAndDeletingAUserDeletesItsKeys()
    {
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, ConnectionString).InitializeAsync(Ct);
        var store = new SqliteSecurityStore(ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var bob = new RecorderUser("bob", null, RecorderRoles.User, Passwords.Hash("password-1"), [], [], [], false, now, now);
        Assert.True(await store.CreateUserAsync(bob, Ct));
        Assert.Equal(bob.Id, (await store.GetUserByIdAsync(bob.Id, Ct))?.Id);

        Assert.True(await store.SetSecurityStampAsync(bob.Id, "new-stamp", Ct));
        Assert.Equal("new-stamp", (await store.GetUserAsync("bob", Ct))?.SecurityStamp);

        await store.AddApiKeyAsync(new ApiKeyRecord("k1", "crm", RecorderRoles.User, "bob", ApiKeys.Hash("rk_bob"), now, bob.Id), Ct);
        Assert.True(await store.DeleteUserAsync("bob", Ct));
        Assert.Null(await store.FindApiKeyAsync(ApiKeys.Hash("rk_bob"), Ct));

        // A new bob is another user: the old one's record cannot overwrite it.
        var newBob = bob with { Id = SecurityStamps.New() };
        Assert.True(await store.CreateUserAsync(newBob, Ct));
        Assert.False(await store.UpdateUserAsync(bob with { Role = RecorderRoles.Supervisor }, Ct));
        Assert.Equal(RecorderRoles.User, (await store.GetUserAsync("bob", Ct))?.Role);
    }

    [Theory]
    [InlineData("user", "user", "user")]
    [InlineData("user", "supervisor", "user")]
    [InlineData("supervisor", "admin", "supervisor")]
    [InlineData("auditor", "admin", "auditor")]
    [InlineData("supervisor", "user", "user")] // owner demoted: the key goes down with it
    [InlineData("admin", "auditor", "auditor")]
    [InlineData("supervisor", "auditor", null)] // neither covers the other: refused
    [InlineData("auditor", "user", null)]
    public void AKeyNeverActsAboveItsOwner(string keyRole, string ownerRole, string? expected)
    {
        Assert.Equal(expected, RecorderRoles.Effective(keyRole, ownerRole));
        Assert.Equal(expected == keyRole, RecorderRoles.Covers(ownerRole, keyRole));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
