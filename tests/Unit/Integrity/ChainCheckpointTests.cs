using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>
/// Signed checkpoints of the recording chain's head in the audit log (docs/TAMPER_EVIDENCE.md): the node appends its
/// head when it moved; <c>verify</c> then reports the newest recordings removed (which the links alone cannot show),
/// and trusts only a checkpoint that holds and is signed by the chain's own key.
/// </summary>
public sealed class ChainCheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chain-checkpoint-").FullName;
    private readonly NodeSigningKey _key = Sealed.NewKey();

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), Pooling = false }.ToString();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task TheNodeCheckpointsItsHeadOnlyWhenItMovedAndVerifyFindsTheNewestOne()
    {
        var (sealer, store, service) = await NodeAsync();
        Assert.False(await service.CheckpointAsync(Ct)); // nothing sealed yet
        var manifests = new List<RecordingManifest>();
        for (var i = 1; i <= 3; i++)
        {
            manifests.Add(await sealer.SealAsync(Sealed.Manifest("r" + i, i), Ct));
        }

        Assert.True(await service.CheckpointAsync(Ct));
        Assert.False(await service.CheckpointAsync(Ct));
        manifests.Add(await sealer.SealAsync(Sealed.Manifest("r4", 4), Ct));
        Assert.True(await service.CheckpointAsync(Ct));

        var report = await VerifyAuditAsync();
        Assert.Empty(report.Audit);
        var head = report.Checkpoints[_key.KeyId];
        Assert.Equal(4, head.Seq);
        Assert.Equal("r4", head.Id);
        Assert.Equal(ManifestSealing.Link(manifests[3]), head.Link);
        Assert.Equal(2, (await store.ListAuditChainAsync(Ct)).Count(r => r.Entry.Action == ChainCheckpoints.Action));
    }

    [Fact]
    public void AnIntactChainAndOneThatGrewSinceItsCheckpointHaveNoFindings()
    {
        var chain = Sealed.Chain(_key, 6);

        Assert.Empty(Chains(chain).HeadFindings(Checkpoint(chain[5])));
        Assert.Empty(Chains(chain).HeadFindings(Checkpoint(chain[3])));
    }

    [Fact]
    public void TheNewestRecordingRemovedIsNamedByTheCheckpoint()
    {
        var chain = Sealed.Chain(_key, 6);
        var checkpoint = Checkpoint(chain[5]);
        chain.RemoveAt(5);

        Assert.Empty(Chains(chain).Findings(wholeChains: true)); // the links alone see nothing
        var finding = Assert.Single(Chains(chain).HeadFindings(checkpoint));

        Assert.Equal(ChainFindingKind.Removed, finding.Kind);
        Assert.Equal("r6", finding.MissingId);
        Assert.Contains("newest entry 6", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralNewestRemovedOrTheWholeChainAreReportedWithTheirNumbers()
    {
        var chain = Sealed.Chain(_key, 6);
        var checkpoint = Checkpoint(chain[5]);

        var tail = Assert.Single(Chains(chain[..3]).HeadFindings(checkpoint));
        Assert.Equal(ChainFindingKind.Removed, tail.Kind);
        Assert.Contains("entries 4 to 6", tail.Detail, StringComparison.Ordinal);

        var all = Assert.Single(Chains([]).HeadFindings(checkpoint));
        Assert.Contains("entries 1 to 6", all.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainRewrittenFromTheCheckpointedEntryIsReported()
    {
        var chain = Sealed.Chain(_key, 4);
        var checkpoint = Checkpoint(chain[3]);
        chain[3] = ManifestSealing.Seal(Sealed.Manifest("other", 9), _key, 4, ManifestSealing.Link(chain[2]), "r3");

        var finding = Assert.Single(Chains(chain).HeadFindings(checkpoint));

        Assert.Equal(ChainFindingKind.Changed, finding.Kind);
        Assert.Equal("other", finding.Name);
    }

    [Fact]
    public async Task ACheckpointSignedByAnotherKeyOrChangedInTheDatabaseIsNotTrusted()
    {
        var (sealer, _, service) = await NodeAsync();
        await sealer.SealAsync(Sealed.Manifest("r1", 1), Ct);
        Assert.True(await service.CheckpointAsync(Ct));

        // Another node's key vouching for this node's chain at a higher number.
        using var other = Sealed.NewKey("node-b");
        var otherStore = new SqliteSecurityStore(ConnectionString) { AuditSigner = other };
        await otherStore.AppendAuditAsync(new AuditEntry(0, DateTimeOffset.UnixEpoch, "system", null, ChainCheckpoints.Action, _key.KeyId,
            ChainCheckpoints.Details(new ChainState(9, new string('a', 64), "r9"))), Ct);
        using var keys = new SigningKeySet();
        keys.AddPem(_key.PublicKeyPem);
        keys.AddPem(other.PublicKeyPem);
        var report = new VerifyReport();
        await AuditVerifier.RunAsync(new SqliteSecurityStore(ConnectionString), keys, report, Ct);
        Assert.Equal(1, report.Checkpoints[_key.KeyId].Seq);

        // The genuine checkpoint edited by hand to claim more: its signature fails, so it vouches for nothing.
        await SqlAsync($"UPDATE AuditLog SET details = replace(details, '\"seq\":1', '\"seq\":7') WHERE action = '{ChainCheckpoints.Action}' AND key_id = '{_key.KeyId}'");
        report = new VerifyReport();
        await AuditVerifier.RunAsync(new SqliteSecurityStore(ConnectionString), keys, report, Ct);
        Assert.False(report.Checkpoints.ContainsKey(_key.KeyId));
        Assert.Contains(report.Audit, f => f.Kind == ChainFindingKind.Changed);
    }

    private async Task<(ManifestSealer Sealer, SqliteSecurityStore Store, ChainCheckpointService Service)> NodeAsync()
    {
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, ConnectionString).InitializeAsync(Ct);
        var store = new SqliteSecurityStore(ConnectionString) { AuditSigner = _key };
        var sealer = new ManifestSealer(_key, _directory);
        var service = new ChainCheckpointService(sealer, store, TimeSpan.FromMinutes(5), new FakeTimeProvider(Sealed.Start), NullLogger<ChainCheckpointService>.Instance);
        return (sealer, store, service);
    }

    private async Task<VerifyReport> VerifyAuditAsync()
    {
        var report = new VerifyReport();
        await AuditVerifier.RunAsync(new SqliteSecurityStore(ConnectionString), _key.PublicKeys(), report, Ct);
        return report;
    }

    private Dictionary<string, ChainState> Checkpoint(RecordingManifest newest) =>
        new() { [_key.KeyId] = new ChainState(newest.Seal!.Seq, ManifestSealing.Link(newest), newest.Id) };

    private RecordingChains Chains(IEnumerable<RecordingManifest> manifests)
    {
        var chains = new RecordingChains(_key.PublicKeys());
        foreach (var manifest in manifests)
        {
            chains.Add(manifest.Id, manifest);
        }

        return chains;
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS TR_AuditLog_NoUpdate; DROP TRIGGER IF EXISTS TR_AuditLog_NoDelete; " + sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
