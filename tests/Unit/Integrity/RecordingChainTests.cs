using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>
/// The chain of a node's recordings as <c>verify</c> checks it: each kind of tampering (changed, removed, reordered,
/// inserted) is reported, and only at the entry it happened to.
/// </summary>
public sealed class RecordingChainTests
{
    [Fact]
    public void AnIntactChainHasNoFindings()
    {
        using var key = Sealed.NewKey();
        Assert.Empty(Check(key, Sealed.Chain(key, 6)));
    }

    [Fact]
    public void AChangedManifestIsReportedAsChangedAndNothingElse()
    {
        using var key = Sealed.NewKey();
        var chain = Sealed.Chain(key, 6);
        chain[2] = chain[2] with { Sha256 = new string('0', 64) };

        var finding = Assert.Single(Check(key, chain));

        Assert.Equal(ChainFindingKind.Changed, finding.Kind);
        Assert.Equal("r3", finding.Name);
    }

    [Fact]
    public void ARemovedRecordingIsNamedByItsSuccessor()
    {
        using var key = Sealed.NewKey();
        var chain = Sealed.Chain(key, 6);
        chain.RemoveAt(3);

        var finding = Assert.Single(Check(key, chain));

        Assert.Equal(ChainFindingKind.Removed, finding.Kind);
        Assert.Equal("r5", finding.Name);
        Assert.Equal("r4", finding.MissingId);
        Assert.Contains("entry 4", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralRemovedInARowAreOneGapWithTheirNumbers()
    {
        using var key = Sealed.NewKey();
        var chain = Sealed.Chain(key, 8);
        chain.RemoveRange(2, 3);

        var finding = Assert.Single(Check(key, chain));

        Assert.Equal(ChainFindingKind.Removed, finding.Kind);
        Assert.Contains("entries 3 to 5", finding.Detail, StringComparison.Ordinal);
        Assert.Null(finding.MissingId);
    }

    [Fact]
    public void InsertedRecordingsAreReportedWhetherUnsignedForeignOrCopied()
    {
        using var key = Sealed.NewKey();
        using var stranger = Sealed.NewKey("intruder");
        var chain = Sealed.Chain(key, 5);
        var unsigned = Sealed.Manifest("fake-1");
        var foreign = ManifestSealing.Seal(Sealed.Manifest("fake-2"), stranger, 3, ManifestSealing.Link(chain[1]), "r2");
        var copy = chain[1] with { };

        var findings = Check(key, [.. chain, unsigned, foreign, copy]);

        Assert.All(findings, f => Assert.Equal(ChainFindingKind.Inserted, f.Kind));
        Assert.Equal(["fake-1", "fake-2", "r2"], findings.Select(f => f.Name).Order());
    }

    [Fact]
    public void AForkedChainReportsTheSecondSuccessorAsInserted()
    {
        // A recording signed with the node's key (a stolen key, or a replayed chain head) that claims an existing place.
        using var key = Sealed.NewKey();
        var chain = Sealed.Chain(key, 4);
        var fork = ManifestSealing.Seal(Sealed.Manifest("forged", 30), key, 3, ManifestSealing.Link(chain[1]), "r2");

        var finding = Assert.Single(Check(key, [.. chain, fork]));

        Assert.Equal(ChainFindingKind.Inserted, finding.Kind);
    }

    [Fact]
    public void EntriesStoredOutOfOrderAreReportedAsReordered()
    {
        using var key = Sealed.NewKey();
        var entries = Sealed.Chain(key, 6).Select(m => Entry(m, key)).ToList();
        (entries[1], entries[4]) = (entries[4], entries[1]);

        var findings = HashChainVerifier.Verify(entries);

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(ChainFindingKind.Reordered, f.Kind));
        Assert.True(findings.Count <= 2);
        Assert.Contains(findings, f => f.Name is "r2" or "r5");
    }

    [Fact]
    public void AnEntryMovedToTheEndIsTheOnlyOneReported()
    {
        using var key = Sealed.NewKey();
        var entries = Sealed.Chain(key, 6).Select(m => Entry(m, key)).ToList();
        var moved = entries[1];
        entries.RemoveAt(1);
        entries.Add(moved);

        var finding = Assert.Single(HashChainVerifier.Verify(entries));

        Assert.Equal(ChainFindingKind.Reordered, finding.Kind);
        Assert.Equal("r2", finding.Name);
    }

    [Fact]
    public void AnExportHoldingTheMiddleOfAChainStartsAtItsFirstEntry()
    {
        using var key = Sealed.NewKey();
        var chain = Sealed.Chain(key, 6);
        var chains = new RecordingChains(key.PublicKeys());
        foreach (var manifest in chain.Skip(2))
        {
            chains.Add(manifest.Id, manifest);
        }

        Assert.Empty(chains.Findings(wholeChains: false));
        Assert.Equal(ChainFindingKind.Removed, Assert.Single(chains.Findings(wholeChains: true)).Kind);
    }

    private static List<ChainFinding> Check(OrleansRecorder.Silo.Integrity.NodeSigningKey key, IEnumerable<RecordingManifest> manifests)
    {
        var chains = new RecordingChains(key.PublicKeys());
        foreach (var manifest in manifests)
        {
            chains.Add(manifest.Id, manifest);
        }

        return chains.Findings(wholeChains: true);
    }

    private static ChainEntry Entry(RecordingManifest manifest, OrleansRecorder.Silo.Integrity.NodeSigningKey key)
    {
        Assert.Null(ManifestSealing.Check(manifest, key.PublicKeys()));
        return new ChainEntry(manifest.Id, manifest.Id, null, ManifestSealing.Link(manifest), manifest.Seal!.Prev, manifest.Seal.PrevId, ChainContent.Valid);
    }
}
