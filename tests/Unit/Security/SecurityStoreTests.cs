using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>Passwords, scopes, CSV cells and the SQLite security store (users, keys, append-only audit log, tags).</summary>
public sealed class SecurityStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("security-").FullName;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), Pooling = false }.ToString();

    [Fact]
    public void PasswordsVerifyOnlyTheRightOne()
    {
        var hash = Passwords.Hash("correct horse");
        Assert.NotEqual("correct horse", hash);
        Assert.NotEqual(hash, Passwords.Hash("correct horse")); // per-user salt
        Assert.True(Passwords.Verify(hash, "correct horse"));
        Assert.False(Passwords.Verify(hash, "correct horsE"));
        Assert.False(Passwords.Verify("not-a-hash", "x"));
        Assert.NotNull(Passwords.Problem("short"));
        Assert.Null(Passwords.Problem("long enough"));
    }

    [Fact]
    public void ScopeMatchesEitherPartyByNumberOrDevice()
    {
        var scope = new RecordingScope(["100"], ["SEPA"]);
        Assert.True(scope.Allows("100", null, "200", null));
        Assert.True(scope.Allows("300", null, "100", null));
        Assert.True(scope.Allows(null, "X", null, "SEPA"));
        Assert.False(scope.Allows("200", "SEPB", "300", null));
        Assert.False(RecordingScope.Nothing.Allows("100", "SEPA", "100", "SEPA"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData(null, "")]
    public void CsvCellsAreQuotedAndNeverFormulas(string? value, string expected) => Assert.Equal(expected, AuditEndpoints.Field(value));

    [Fact]
    public async Task StoreKeepsUsersKeysTagsAndAnAppendOnlyAuditLog()
    {
        var ct = TestContext.Current.CancellationToken;
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, ConnectionString).InitializeAsync(ct);
        var store = new SqliteSecurityStore(ConnectionString);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var user = new RecorderUser("alice", "Alice", RecorderRoles.User, Passwords.Hash("password-1"), ["198101"], ["SEP1"], ["sales"], false, now, now);
        Assert.True(await store.CreateUserAsync(user, ct));
        Assert.False(await store.CreateUserAsync(user, ct));
        var read = await store.GetUserAsync("alice", ct);
        Assert.NotNull(read);
        Assert.Equal(["198101"], read.Numbers);
        Assert.Equal(["sales"], read.Groups);
        Assert.True(await store.UpdateUserAsync(read with { Role = RecorderRoles.Supervisor }, ct));
        Assert.Equal(RecorderRoles.Supervisor, (await store.GetUserAsync("alice", ct))!.Role);

        var key = ApiKeys.NewKey();
        await store.AddApiKeyAsync(new ApiKeyRecord("k1", "crm", RecorderRoles.User, "alice", ApiKeys.Hash(key), now), ct);
        Assert.Equal("crm", (await store.FindApiKeyAsync(ApiKeys.Hash(key), ct))?.Name);
        Assert.Null(await store.FindApiKeyAsync(ApiKeys.Hash(key + "x"), ct));

        await store.SetTagsAsync("r1", ["b", "a", "a"], ct);
        Assert.Equal(["a", "b"], await store.GetTagsAsync("r1", ct));
        var note = await store.AddNoteAsync("r1", "alice", "hello", now, ct);
        Assert.Equal("hello", Assert.Single(await store.ListNotesAsync("r1", ct)).Text);
        Assert.True(note.Id > 0);
        Assert.Null(await store.GetPreservedAsync("r1", ct));

        for (var i = 0; i < 5; i++)
        {
            await store.AppendAuditAsync(new AuditEntry(0, now.AddSeconds(i), i % 2 == 0 ? "alice" : "bob", "127.0.0.1", AuditActions.Search, null, $"n={i}"), ct);
        }

        var (page, total) = await store.QueryAuditAsync(new AuditQuery(null, null, "alice", null, 1, 2), ct);
        Assert.Equal(3, total);
        Assert.Equal(["n=4", "n=2"], page.Select(e => e.Details));

        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        foreach (var sql in new[] { "UPDATE AuditLog SET user_name = 'mallory'", "DELETE FROM AuditLog" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync(ct));
            Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
