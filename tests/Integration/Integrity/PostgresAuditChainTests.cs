using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Integration.Integrity;

/// <summary>
/// The audit chain on PostgreSQL (the test server on 55432, a database of its own): two nodes appending at once still
/// make one unbroken chain (the transaction-scoped advisory lock), and a removed row is found.
/// </summary>
public sealed class PostgresAuditChainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentAppendsFromTwoNodesMakeOneChainAndARemovedRowIsFound()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        await new DbRecordingCatalog(PostgresCatalogDialect.Instance, database.ConnectionString).InitializeAsync(Ct);
        using var keyA = Sealed.NewKey("node-a");
        using var keyB = Sealed.NewKey("node-b");
        var a = new PostgresSecurityStore(database.ConnectionString) { AuditSigner = keyA };
        var b = new PostgresSecurityStore(database.ConnectionString) { AuditSigner = keyB };
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(
            () => (i % 2 == 0 ? a : b).AppendAuditAsync(new AuditEntry(0, at, "alice", null, "play", $"rec-{i}", null), Ct), Ct)));

        using var keys = new SigningKeySet();
        keys.AddPem(keyA.PublicKeyPem);
        keys.AddPem(keyB.PublicKeyPem);
        var intact = new VerifyReport();
        await AuditVerifier.RunAsync(a, keys, intact, Ct);
        Assert.Equal(20, intact.AuditEntries);
        Assert.Empty(intact.Audit);

        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new Npgsql.NpgsqlCommand(
                "DROP RULE AuditLog_NoDelete ON AuditLog; DELETE FROM AuditLog WHERE seq = (SELECT seq FROM AuditLog ORDER BY seq OFFSET 9 LIMIT 1)", connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        var tampered = new VerifyReport();
        await AuditVerifier.RunAsync(a, keys, tampered, Ct);
        Assert.Equal(ChainFindingKind.Removed, Assert.Single(tampered.Audit).Kind);
    }
}
