using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>
/// The audit log's chain in a real SQLite catalog: every appended entry is signed and names the hash of the one
/// before; a change, removal, reordering or insertion made with direct database access (the append-only triggers
/// dropped, as an administrator could) is reported at the entry it happened to.
/// </summary>
public sealed class AuditChainTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-chain-").FullName;
    private readonly NodeSigningKey _key = Sealed.NewKey();

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), Pooling = false }.ToString();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AnIntactChainVerifiesAndEntriesFromBeforeTheChainAreOnlyCounted()
    {
        var store = await StoreAsync(signed: false);
        await store.AppendAuditAsync(Entry("legacy"), Ct);
        var signedStore = new SqliteSecurityStore(ConnectionString) { AuditSigner = _key };
        for (var i = 1; i <= 5; i++)
        {
            await signedStore.AppendAuditAsync(Entry("play", $"rec-{i}"), Ct);
        }

        var report = await VerifyAsync();

        Assert.Empty(report.Audit);
        Assert.Equal(5, report.AuditEntries);
        Assert.Equal(1, report.AuditUnchained);
        var rows = await signedStore.ListAuditChainAsync(Ct);
        Assert.Equal(ManifestSealing.Genesis, rows[1].Prev);
        Assert.Equal(rows[1].Hash, rows[2].Prev);
    }

    [Fact]
    public async Task AChangedEntryIsReportedAsChanged()
    {
        await FiveAsync();
        await SqlAsync("UPDATE AuditLog SET details = 'nothing to see' WHERE seq = 3");

        var finding = Assert.Single((await VerifyAsync()).Audit);

        Assert.Equal(ChainFindingKind.Changed, finding.Kind);
        Assert.StartsWith("audit entry 3 ", finding.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARemovedEntryIsReportedBeforeTheNextOne()
    {
        await FiveAsync();
        await SqlAsync("DELETE FROM AuditLog WHERE seq = 3");

        var finding = Assert.Single((await VerifyAsync()).Audit);

        Assert.Equal(ChainFindingKind.Removed, finding.Kind);
        Assert.StartsWith("audit entry 4 ", finding.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwappedEntriesAreReportedAsReordered()
    {
        await FiveAsync();
        // Rows 2 and 4 trade places (content and chain columns), as an edit of the table by hand would.
        await SqlAsync("""
            UPDATE AuditLog SET seq = -2 WHERE seq = 2;
            UPDATE AuditLog SET seq = 2 WHERE seq = 4;
            UPDATE AuditLog SET seq = 4 WHERE seq = -2;
            """);

        var findings = (await VerifyAsync()).Audit;

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(ChainFindingKind.Reordered, f.Kind));
    }

    [Fact]
    public async Task InsertedEntriesAreReportedWhetherUnsignedOrSignedByAStranger()
    {
        await FiveAsync();
        var rows = await new SqliteSecurityStore(ConnectionString).ListAuditChainAsync(Ct);
        await new SqliteSecurityStore(ConnectionString).AppendAuditAsync(Entry("delete", "rec-x"), Ct);
        using var stranger = Sealed.NewKey("intruder");
        var forged = Entry("login");
        var (hash, signature) = AuditChain.Sign(stranger, rows[^1].Hash!, forged);
        await SqlAsync(
            $"INSERT INTO AuditLog (at, user_name, source, action, target, details, prev_hash, hash, key_id, signature) VALUES ({forged.At.ToUnixTimeMilliseconds()}, 'mallory', NULL, 'login', NULL, NULL, '{rows[^1].Hash}', '{hash}', '{stranger.KeyId}', '{signature}')");

        var findings = (await VerifyAsync()).Audit;

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(ChainFindingKind.Inserted, f.Kind));
    }

    [Fact]
    public async Task ConcurrentAppendsFromTwoNodesMakeOneUnbrokenChain()
    {
        await StoreAsync(signed: false);
        using var other = Sealed.NewKey("node-b");
        var a = new SqliteSecurityStore(ConnectionString) { AuditSigner = _key };
        var b = new SqliteSecurityStore(ConnectionString) { AuditSigner = other };

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).AppendAuditAsync(Entry("play", $"rec-{i}"), Ct), Ct)));

        using var keys = new SigningKeySet();
        keys.AddPem(_key.PublicKeyPem);
        keys.AddPem(other.PublicKeyPem);
        var report = new VerifyReport();
        await AuditVerifier.RunAsync(new SqliteSecurityStore(ConnectionString), keys, report, Ct);
        Assert.Equal(20, report.AuditEntries);
        Assert.Empty(report.Audit);
    }

    private async Task FiveAsync()
    {
        var store = await StoreAsync(signed: true);
        for (var i = 1; i <= 5; i++)
        {
            await store.AppendAuditAsync(Entry("play", $"rec-{i}"), Ct);
        }
    }

    private async Task<SqliteSecurityStore> StoreAsync(bool signed)
    {
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, ConnectionString).InitializeAsync(Ct);
        return new SqliteSecurityStore(ConnectionString) { AuditSigner = signed ? _key : null };
    }

    private async Task<VerifyReport> VerifyAsync()
    {
        var report = new VerifyReport();
        await AuditVerifier.RunAsync(new SqliteSecurityStore(ConnectionString), _key.PublicKeys(), report, Ct);
        return report;
    }

    /// <summary>What someone with write access to the database file could do: the append-only triggers go first.</summary>
    private async Task SqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS TR_AuditLog_NoUpdate; DROP TRIGGER IF EXISTS TR_AuditLog_NoDelete; " + sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static AuditEntry Entry(string action, string? target = null) =>
        new(0, DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000), "alice", "127.0.0.1", action, target, null);
}
