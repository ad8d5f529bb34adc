using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.Unit.Admin;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>
/// <see cref="TombstoneSweeper"/> on a fake clock, a real SQLite catalog, a real node store and a fake shared store:
/// it sweeps at start, then only when a recording was deleted since (or the last sweep failed), never every period.
/// </summary>
public sealed class TombstoneSweeperTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Base = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Base);
    private readonly FakeSharedBlobStore _shared = new();
    private ScratchNodeStorage _storage = null!;
    private DbRecordingCatalog _catalog = null!;
    private FileNodeLocalStore _local = null!;
    private TombstoneSweeper? _sweeper;

    public async ValueTask InitializeAsync()
    {
        _storage = await ScratchNodeStorage.CreateAsync(_time);
        _catalog = _storage.Catalog;
        _local = _storage.Store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweeper is not null)
        {
            await _sweeper.StopAsync(CancellationToken.None);
            _sweeper.Dispose();
        }

        _storage.Dispose();
    }

    [Fact]
    public async Task SweepsAtStartThenOnlyWhenARecordingWasDeleted()
    {
        var kept = await StoreAsync(1);
        var deleted = await StoreAsync(2);
        await StartAndSweepAsync();

        // Nothing deleted: quiet periods list nothing.
        await PeriodsAsync(3);
        Assert.Equal(1, _shared.Listings);

        // Deleted while this copy and the shared one were out of reach: the next period removes both.
        await _catalog.AddTombstoneAsync(deleted.Id, Base, "test", TestContext.Current.CancellationToken);
        await PeriodsAsync(1);
        await WaitForAsync("the copies of the deleted recording to go", () => !_shared.Has(Audio(deleted)) && !File.Exists(LocalPath(deleted)));
        Assert.Equal(2, _shared.Listings);
        Assert.True(_shared.Has(Audio(kept)));
        Assert.True(File.Exists(LocalPath(kept)));

        await PeriodsAsync(3);
        Assert.Equal(2, _shared.Listings);
    }

    [Fact]
    public async Task ASweepThatFailedIsTriedAgainAtEveryPeriodUntilItWorks()
    {
        var deleted = await StoreAsync(1);
        await StartAndSweepAsync();

        _shared.FailListing = true;
        await _catalog.AddTombstoneAsync(deleted.Id, Base, "test", TestContext.Current.CancellationToken);
        await PeriodsAsync(1);
        await WaitForAsync("a failed sweep", () => _shared.Listings == 2);
        await PeriodsAsync(1);
        await WaitForAsync("another attempt", () => _shared.Listings == 3);
        Assert.True(_shared.Has(Audio(deleted)));

        _shared.FailListing = false;
        await PeriodsAsync(1);
        await WaitForAsync("the shared copy to go", () => !_shared.Has(Audio(deleted)));
        await PeriodsAsync(2);
        Assert.Equal(4, _shared.Listings);
    }

    /// <summary>
    /// Starts the sweeper and waits for its start sweep to end: a recording deleted before the start is the marker (its
    /// shared copy goes last), so a tombstone the test adds later is never seen by the start sweep.
    /// </summary>
    private async Task StartAndSweepAsync()
    {
        var marker = await StoreAsync(59);
        await _catalog.AddTombstoneAsync(marker.Id, Base, "test", TestContext.Current.CancellationToken);
        _sweeper = new TombstoneSweeper(_catalog, _local, _shared, _time, NullLogger<TombstoneSweeper>.Instance);
        await _sweeper.StartAsync(TestContext.Current.CancellationToken);
        await WaitForAsync("the start sweep", () => !_shared.Has(Audio(marker)) && !_shared.Has(ReplicaTransfer.Describe(marker).Key.ManifestName));
        Assert.Equal(1, _shared.Listings);
    }

    /// <summary>Moves the clock one sweep period at a time, with a real pause after each for the sweeper's loop to run.</summary>
    private async Task PeriodsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(TombstoneSweeper.Period);
            await Task.Delay(150, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A recording in this node's store, in the shared store (audio and manifest) and in the catalog.</summary>
    private async Task<RecordingManifest> StoreAsync(int minute)
    {
        var audio = RandomNumberGenerator.GetBytes(10_000 + minute);
        var manifest = TestStore.Manifest($"rec{minute:D3}{Guid.NewGuid():N}"[..20], Base.AddMinutes(minute), audio);
        var replica = ReplicaTransfer.Describe(manifest);
        await _local.StoreAsync(replica, (sink, ct) => sink.WriteAsync(audio, ct).AsTask(), TestContext.Current.CancellationToken);
        await _shared.UploadAsync(replica.Key.AudioName, new MemoryStream(audio), manifest.Sha256, "audio/wav", TestContext.Current.CancellationToken);
        await _shared.UploadAsync(replica.Key.ManifestName, new MemoryStream(replica.Manifest), null, "application/json", TestContext.Current.CancellationToken);
        await _catalog.AddAsync(manifest, TestContext.Current.CancellationToken);
        return manifest;
    }

    private static string Audio(RecordingManifest manifest) => ReplicaTransfer.Describe(manifest).Key.AudioName;

    private string LocalPath(RecordingManifest manifest) =>
        Path.Combine(_storage.StorePath, ReplicaTransfer.Describe(manifest).Key.AudioName);

    private static async Task WaitForAsync(string what, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"Not reached in {Deadline}: {what}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
