using System.Text.Json;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>
/// The chain head file is renamed into place per recording without an fsync (<see cref="ManifestSealer"/>): within one
/// boot the page cache keeps it exact; after a reboot that lost it (power loss), the sealer continues after the newest
/// manifest of its key on disk, so no number is used twice and <c>verify</c> finds the chain whole. The manifests are
/// written as the finalizer writes them (temp file, fsync, rename under <c>recordings/{yyyy}/{MM}/{dd}</c>).
/// </summary>
public sealed class ChainHeadRecoveryTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly NodeSigningKey _key = Sealed.NewKey();
    private string _boot = "boot-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string HeadPath => Path.Combine(_data.Path, ManifestSealer.Folder, $"chain-{_key.KeyId}.json");

    public void Dispose()
    {
        _key.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task AHeadLostToAPowerLossIsRebuiltFromTheNewestManifestAfterTheReboot()
    {
        var sealer = Sealer();
        var one = await SealAndStoreAsync(sealer, "r1");
        var (headAfterOne, writtenAt) = (await File.ReadAllBytesAsync(HeadPath, Ct), File.GetLastWriteTimeUtc(HeadPath));
        var two = await SealAndStoreAsync(sealer, "r2");
        var three = await SealAndStoreAsync(sealer, "r3");

        // Another node's replica beside ours, further along its own chain: not this key's, so not this chain's head;
        // nor is a manifest that names this key under a seal it did not make.
        using var other = Sealed.NewKey("node-b");
        Store(Sealed.Chain(other, 9)[^1]);
        var forged = ManifestSealing.Seal(Sealed.Manifest("r8", 8), other, 8, ManifestSealing.Genesis, null);
        Store(forged with { Seal = forged.Seal! with { KeyId = _key.KeyId } });

        // The power loss: the manifests were fsynced, the head's last two renames were not; the file is back to r1's.
        await File.WriteAllBytesAsync(HeadPath, headAfterOne, Ct);
        File.SetLastWriteTimeUtc(HeadPath, writtenAt);
        _boot = "boot-2";

        var four = await SealAndStoreAsync(Sealer(), "r4");

        Assert.Equal(4, four.Seal!.Seq);
        Assert.Equal(ManifestSealing.Link(three), four.Seal.Prev);
        Assert.Equal("r3", four.Seal.PrevId);
        Assert.Empty(Findings(one, two, three, four));
    }

    [Fact]
    public async Task ATornHeadAfterAPowerLossIsRebuiltFromTheManifests()
    {
        var sealer = Sealer();
        var one = await SealAndStoreAsync(sealer, "r1");
        var two = await SealAndStoreAsync(sealer, "r2");

        // The rename reached the disk, the data did not (delayed allocation): an empty head.
        await File.WriteAllBytesAsync(HeadPath, [], Ct);
        _boot = "boot-2";

        var three = await SealAndStoreAsync(Sealer(), "r3");

        Assert.Equal(3, three.Seal!.Seq);
        Assert.Equal(ManifestSealing.Link(two), three.Seal.Prev);
        Assert.Empty(Findings(one, two, three));
    }

    [Fact]
    public async Task ATornHeadWithNoManifestToContinueFromStopsSealingRatherThanRestartTheChain()
    {
        await SealAndStoreAsync(Sealer(), "r1");
        Directory.Delete(Path.Combine(_data.Path, RecordingPaths.RecordingsFolder), recursive: true);
        await File.WriteAllTextAsync(HeadPath, "{\"seq\":", Ct);
        _boot = "boot-2";

        await Assert.ThrowsAsync<InvalidDataException>(() => Sealer().SealAsync(Sealed.Manifest("r2"), Ct));
    }

    [Fact]
    public async Task AProcessKilledBetweenTheHeadAndTheManifestLeavesAGapNeverAReusedNumber()
    {
        var sealer = Sealer();
        var one = await SealAndStoreAsync(sealer, "r1");
        await sealer.SealAsync(Sealed.Manifest("r2", 2), Ct); // killed before its manifest was written

        // Same boot: the head as the killed process left it (the page cache kept its rename).
        var three = await SealAndStoreAsync(Sealer(), "r3");

        Assert.Equal(3, three.Seal!.Seq);
        var finding = Assert.Single(Findings(one, three));
        Assert.Equal(ChainFindingKind.Removed, finding.Kind);
        Assert.Equal("r2", finding.MissingId);
    }

    [Fact]
    public async Task AfterARebootWithTheHeadIntactTheChainContinuesFromIt()
    {
        var sealer = Sealer();
        var one = await SealAndStoreAsync(sealer, "r1");
        var two = await SealAndStoreAsync(sealer, "r2");
        _boot = "boot-2";

        var three = await SealAndStoreAsync(Sealer(), "r3");

        Assert.Equal(3, three.Seal!.Seq);
        Assert.Empty(Findings(one, two, three));
    }

    [Fact]
    public async Task TheHeadACheckpointSignsIsTheOneOnDisk()
    {
        var sealer = Sealer();
        await SealAndStoreAsync(sealer, "r1");
        var two = await SealAndStoreAsync(sealer, "r2");

        var head = await sealer.HeadAsync(Ct);

        Assert.Equal(new ChainState(2, ManifestSealing.Link(two), "r2"), head);
        Assert.Equal(head, JsonSerializer.Deserialize(await File.ReadAllBytesAsync(HeadPath, Ct), IntegrityJsonContext.Default.ChainState));
    }

    private ManifestSealer Sealer() => new(_key, _data.Path, () => _boot);

    private async Task<RecordingManifest> SealAndStoreAsync(ManifestSealer sealer, string id)
    {
        var manifest = await sealer.SealAsync(Sealed.Manifest(id, int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture)), Ct);
        Store(manifest);
        return manifest;
    }

    private void Store(RecordingManifest manifest)
    {
        var directory = RecordingPaths.RecordingDirectory(new RecordingOptions { DataDirectory = _data.Path }, manifest.StartedAt);
        Directory.CreateDirectory(directory);
        AtomicFile.WriteJson(Path.Combine(directory, manifest.Id + ".json"), manifest, RecordingJsonContext.Default.RecordingManifest);
    }

    private List<ChainFinding> Findings(params RecordingManifest[] manifests)
    {
        var chains = new RecordingChains(_key.PublicKeys());
        foreach (var manifest in manifests)
        {
            chains.Add(manifest.Id, manifest);
        }

        return chains.Findings(wholeChains: true);
    }
}
