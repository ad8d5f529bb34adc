using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Tests.Unit.Storage;

public sealed class FileNodeLocalStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("recorder-store-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FileNodeLocalStore _store;

    public FileNodeLocalStoreTests() => _store = new FileNodeLocalStore(_directory, _time);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// Issue #15: while this node finalizes or catalogues its own copy of a call (segments, a taken-over copy, a pending
    /// marker), another node's copy of the same id does not land on the same paths; the catalog decides afterwards.
    /// </summary>
    [Theory]
    [InlineData("segments/r9", true)]
    [InlineData("segments-takeover/r9", true)]
    [InlineData("catalog-pending/r9.pending", false)]
    public async Task AReplicaOfACallWhoseOwnCopyIsUnsettledHereIsRefused(string path, bool directory)
    {
        var (replica, audio) = ReplicaSamples.Create("r9", 1000);
        var ct = TestContext.Current.CancellationToken;
        var full = Path.Combine(_directory, path);
        Directory.CreateDirectory(directory ? full : Path.GetDirectoryName(full)!);
        if (!directory)
        {
            await File.WriteAllTextAsync(full, "recordings/x.json", ct);
        }

        Assert.Equal(ReplicaBegin.InProgress, await _store.BeginAsync(replica, ct));

        // Begun before the node's own finalization started: not published over it either.
        var unsettled = directory ? () => Directory.Delete(full) : (Action)(() => File.Delete(full));
        unsettled();
        Assert.Equal(ReplicaBegin.Accepted, await _store.BeginAsync(replica, ct));
        await WriteAllAsync(replica.Key.Id, audio, ct);
        Directory.CreateDirectory(directory ? full : Path.GetDirectoryName(full)!);
        if (!directory)
        {
            await File.WriteAllTextAsync(full, "recordings/x.json", ct);
        }

        await Assert.ThrowsAsync<ReplicaTransferException>(() => _store.CompleteAsync(replica.Key.Id, ct));
        Assert.False(await _store.HasAsync(replica.Key, replica.Sha256, ct));
        Assert.False(File.Exists(_store.AudioPath(replica.Key)));
    }

    /// <summary>
    /// Issue #18: each copy published here is reported once it is on disk (before its completion returns), each copy
    /// deleted once it is gone; a refused copy and a delete of a copy that was not here report nothing.
    /// </summary>
    [Fact]
    public async Task APublishedCopyAndADeletedOneAreReportedAndNothingElseIs()
    {
        var ct = TestContext.Current.CancellationToken;
        var (replica, audio) = ReplicaSamples.Create("r11", 3000);
        var (bad, _) = ReplicaSamples.Create("r12", 1000);
        var reports = new List<string>();
        var directory = Directory.CreateTempSubdirectory("recorder-store-").FullName;
        try
        {
            FileNodeLocalStore store = null!;
            store = new FileNodeLocalStore(directory, _time, landed: r =>
            {
                reports.Add($"landed {r.Key.Id} {r.Sha256} on disk={File.Exists(store.AudioPath(r.Key))}");
                return Task.CompletedTask;
            }, removed: k =>
            {
                reports.Add($"removed {k.Id}");
                return Task.CompletedTask;
            });

            Assert.Equal(ReplicaCompletion.Stored, await store.StoreAsync(replica, (sink, token) => sink.WriteAsync(audio, token).AsTask(), ct));
            Assert.Equal(ReplicaCompletion.Stored, await store.StoreAsync(replica, (sink, token) => sink.WriteAsync(audio, token).AsTask(), ct));
            Assert.Equal(ReplicaCompletion.HashMismatch, await store.StoreAsync(bad, (sink, token) => sink.WriteAsync(new byte[1000], token).AsTask(), ct));
            Assert.True(await store.DeleteAsync(replica.Key, ct));
            Assert.False(await store.DeleteAsync(replica.Key, ct));

            // The second store found the copy already there: nothing landed.
            Assert.Equal([$"landed r11 {replica.Sha256} on disk=True", "removed r11"], reports);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Issue #15: when the catalog holds another copy of a call (the returning node's longer one won), the survivor's copy
    /// is refused, whether it arrives after the catalog changed or was already on its way, and the winner stays.
    /// </summary>
    [Fact]
    public async Task ACopyTheCatalogNoLongerHoldsIsRefusedAtTheStartAndBeforeItIsPublished()
    {
        var ct = TestContext.Current.CancellationToken;
        var (winner, winnerAudio) = ReplicaSamples.Create("r10", 2000);
        var (loser, loserAudio) = ReplicaSamples.Create("r10", 1500);
        string? catalogued = winner.Sha256;
        var directory = Directory.CreateTempSubdirectory("recorder-store-").FullName;
        try
        {
            var store = new FileNodeLocalStore(directory, _time, (id, _) => Task.FromResult(id == "r10" ? catalogued : null));
            await store.StoreAsync(winner, (sink, token) => sink.WriteAsync(winnerAudio, token).AsTask(), ct);

            Assert.Equal(ReplicaBegin.Superseded, await store.BeginAsync(loser, ct));

            // Begun while the catalog still named the loser, completed after it changed: nothing replaces the winner.
            catalogued = loser.Sha256;
            Assert.Equal(ReplicaBegin.Accepted, await store.BeginAsync(loser, ct));
            await store.WriteChunkAsync("r10", 0, loserAudio, ct);
            catalogued = winner.Sha256;
            Assert.Equal(ReplicaCompletion.Superseded, await store.CompleteAsync("r10", ct));

            Assert.True(await store.HasAsync(winner.Key, winner.Sha256, ct));
            Assert.Equal(winnerAudio, await File.ReadAllBytesAsync(store.AudioPath(winner.Key), ct));
            Assert.Empty(Directory.GetFiles(directory, "*.replica", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ChunksInOrderBecomeAVisibleVerifiedReplicaInTheRecorderLayout()
    {
        var (replica, audio) = ReplicaSamples.Create("r1", 150_000);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(ReplicaBegin.Accepted, await _store.BeginAsync(replica, ct));
        await WriteAllAsync(replica.Key.Id, audio, ct);
        Assert.False(await _store.HasAsync(replica.Key, replica.Sha256, ct));
        Assert.Empty(await _store.ListAsync(ct));

        Assert.Equal(ReplicaCompletion.Stored, await _store.CompleteAsync(replica.Key.Id, ct));

        Assert.True(await _store.HasAsync(replica.Key, replica.Sha256, ct));
        var path = Path.Combine(_directory, "recordings", "2026", "02", "28", "r1.wav");
        Assert.Equal(path, _store.AudioPath(replica.Key));
        Assert.Equal(audio, await File.ReadAllBytesAsync(path, ct));
        Assert.Equal(replica.Manifest, await File.ReadAllBytesAsync(Path.ChangeExtension(path, ".json"), ct));
        Assert.Equal([new ReplicaInfo("r1", replica.Sha256, audio.Length)], await _store.ListAsync(ct));
        Assert.Equal(["r1.json", "r1.wav"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order());
        Assert.Equal(ReplicaBegin.AlreadyStored, await _store.BeginAsync(replica, ct));
    }

    [Fact]
    public async Task ACorruptedChunkFailsCompletionAndLeavesNothingVisible()
    {
        var (replica, audio) = ReplicaSamples.Create("r2", 100_000);
        var ct = TestContext.Current.CancellationToken;
        var corrupted = (byte[])audio.Clone();
        corrupted[70_000] ^= 0xFF;

        await _store.BeginAsync(replica, ct);
        await WriteAllAsync(replica.Key.Id, corrupted, ct);

        Assert.Equal(ReplicaCompletion.HashMismatch, await _store.CompleteAsync(replica.Key.Id, ct));
        Assert.False(await _store.HasAsync(replica.Key, replica.Sha256, ct));
        Assert.Empty(await _store.ListAsync(ct));
        var folder = Path.GetDirectoryName(_store.AudioPath(replica.Key))!;
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task AShortTransferFailsWithSizeMismatch()
    {
        var (replica, audio) = ReplicaSamples.Create("r3", 10_000);
        var ct = TestContext.Current.CancellationToken;
        await _store.BeginAsync(replica, ct);
        await _store.WriteChunkAsync("r3", 0, audio.AsMemory(0, 5_000), ct);

        Assert.Equal(ReplicaCompletion.SizeMismatch, await _store.CompleteAsync("r3", ct));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_store.AudioPath(replica.Key))!));
    }

    [Fact]
    public async Task AnOutOfOrderChunkIsRejectedAndDropsTheTransfer()
    {
        var (replica, audio) = ReplicaSamples.Create("r4", 200_000);
        var ct = TestContext.Current.CancellationToken;
        await _store.BeginAsync(replica, ct);
        await _store.WriteChunkAsync("r4", 0, audio.AsMemory(0, 65_536), ct);

        await Assert.ThrowsAsync<ReplicaTransferException>(() => _store.WriteChunkAsync("r4", 131_072, audio.AsMemory(131_072, 65_536), ct));
        await Assert.ThrowsAsync<ReplicaTransferException>(() => _store.WriteChunkAsync("r4", 65_536, audio.AsMemory(65_536, 65_536), ct));
        await Assert.ThrowsAsync<ReplicaTransferException>(() => _store.CompleteAsync("r4", ct));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_store.AudioPath(replica.Key))!));

        // The sender starts again and succeeds.
        Assert.Equal(ReplicaBegin.Accepted, await _store.BeginAsync(replica, ct));
        await WriteAllAsync("r4", audio, ct);
        Assert.Equal(ReplicaCompletion.Stored, await _store.CompleteAsync("r4", ct));
    }

    [Fact]
    public async Task AChunkOverSixtyFourKibibytesIsRejected()
    {
        var (replica, audio) = ReplicaSamples.Create("r5", 70_000);
        var ct = TestContext.Current.CancellationToken;
        await _store.BeginAsync(replica, ct);

        await Assert.ThrowsAsync<ReplicaTransferException>(() => _store.WriteChunkAsync("r5", 0, audio, ct));
    }

    [Fact]
    public async Task ASecondSenderIsToldInProgressUntilTheFirstGoesStale()
    {
        var (replica, audio) = ReplicaSamples.Create("r6", 1_000);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(ReplicaBegin.Accepted, await _store.BeginAsync(replica, ct));
        Assert.Equal(ReplicaBegin.InProgress, await _store.BeginAsync(replica, ct));

        _time.Advance(FileNodeLocalStore.StaleAfter);
        Assert.Equal(ReplicaBegin.Accepted, await _store.BeginAsync(replica, ct));
        await _store.WriteChunkAsync("r6", 0, audio, ct);
        Assert.Equal(ReplicaCompletion.Stored, await _store.CompleteAsync("r6", ct));
    }

    /// <summary>
    /// Senders racing to begin one recording: one is accepted, the others told it is in progress, and none of them
    /// truncates or deletes the winner's part file (the node runs without .NET's emulated file locks, issue #17, so the
    /// transfer table alone keeps them apart). Raced many times over: before the table opened the file only for the
    /// winner, a loser's cleanup deleted the part file the winner then failed to publish.
    /// </summary>
    [Fact]
    public async Task SendersRacingToBeginOneRecordingLeaveTheWinnersPartFileAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 50; round++)
        {
            var (replica, audio) = ReplicaSamples.Create($"race{round}", 70_000);
            using var start = new ManualResetEventSlim();
            var begins = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                start.Wait(ct);
                return await _store.BeginAsync(replica, ct);
            }, ct)).ToArray();
            start.Set();
            var results = await Task.WhenAll(begins);

            Assert.Equal(1, results.Count(r => r == ReplicaBegin.Accepted));
            Assert.All(results.Where(r => r != ReplicaBegin.Accepted), r => Assert.Equal(ReplicaBegin.InProgress, r));
            await WriteAllAsync(replica.Key.Id, audio, ct);
            Assert.Equal(ReplicaCompletion.Stored, await _store.CompleteAsync(replica.Key.Id, ct));
            Assert.Equal(audio, await File.ReadAllBytesAsync(_store.AudioPath(replica.Key), ct));
        }
    }

    [Fact]
    public async Task StoreAsyncSplitsAStreamIntoChunksAndReadAsyncServesThemBack()
    {
        var (replica, audio) = ReplicaSamples.Create("r7", 300_001);
        var ct = TestContext.Current.CancellationToken;

        var result = await _store.StoreAsync(replica, (sink, token) => sink.WriteAsync(audio, token).AsTask(), ct);

        Assert.Equal(ReplicaCompletion.Stored, result);
        var buffer = new byte[65_536];
        var read = await _store.ReadAsync(replica.Key, 262_144, buffer, ct);
        Assert.Equal(300_001 - 262_144, read);
        Assert.Equal(audio[262_144..], buffer[..read]);
    }

    [Fact]
    public async Task AReplicaWithAnotherHashIsNotCountedAsHeld()
    {
        var (replica, audio) = ReplicaSamples.Create("r8", 1_000);
        var ct = TestContext.Current.CancellationToken;
        await _store.StoreAsync(replica, (sink, token) => sink.WriteAsync(audio, token).AsTask(), ct);

        Assert.False(await _store.HasAsync(replica.Key, new string('0', 64), ct));
        Assert.False(await _store.HasAsync(replica.Key with { Id = "other" }, replica.Sha256, ct));
    }

    private async Task WriteAllAsync(string id, byte[] audio, CancellationToken ct)
    {
        for (var offset = 0; offset < audio.Length; offset += 65_536)
        {
            await _store.WriteChunkAsync(id, offset, audio.AsMemory(offset, Math.Min(65_536, audio.Length - offset)), ct);
        }
    }
}
