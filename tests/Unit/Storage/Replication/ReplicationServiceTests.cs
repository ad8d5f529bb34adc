using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.Unit.Admin;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>
/// <see cref="ReplicationService"/>'s retry, backoff and catch-up rules on a fake clock: a real SQLite catalog and a
/// real node store in a temporary directory, a fake shared store (the one target: no peers), and time that moves only
/// when the test advances it, so each backoff delay is read exactly rather than waited for.
/// </summary>
public sealed class ReplicationServiceTests : IAsyncLifetime
{
    private const string Self = "node-a";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Base = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly DelayRecordingTimeProvider _time = new();
    private readonly FakeSharedBlobStore _shared = new();
    private readonly CapturingLogger<ReplicationService> _log = new();
    private readonly TestMeterFactory _meters = new();
    private readonly List<string> _reports = [];
    private ScratchNodeStorage _storage = null!;
    private DbRecordingCatalog _catalog = null!;
    private FileNodeLocalStore _local = null!;
    private ReplicationService? _service;

    public async ValueTask InitializeAsync()
    {
        _storage = await ScratchNodeStorage.CreateAsync(_time);
        _catalog = _storage.Catalog;
        _local = _storage.Store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }

        _meters.Dispose();
        _storage.Dispose();
    }

    [Fact]
    public async Task ATargetThatFailsThreeTimesThenSucceedsGetsTheRecordingOnce()
    {
        await StartIdleAsync(new ReplicationOptions { InitialRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) });
        var recording = await RecordAsync(1);
        _shared.FailNext(3);

        Assert.True(_service!.Enqueue(recording.Id));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await AdvancePastRetryAsync(attempt);
        }

        await WaitForAsync("the upload that succeeds", () => _shared.Stored.Count == 1 && _service.Backlog == 0);
        Assert.Equal([Audio(recording), Audio(recording), Audio(recording), Audio(recording)], _shared.Attempts);
        Assert.Equal([Audio(recording)], _shared.Stored);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], _time.Delays);
        Assert.True(_shared.Has(Manifest(recording)));
    }

    [Fact]
    public async Task TheOwnCopyAndTheSharedUploadAreRecordedAsTheyLandAndAPassRecordsWhatNobodyReported()
    {
        await StartIdleAsync(new ReplicationOptions());
        var recording = await RecordAsync(1);

        Assert.True(_service!.Enqueue(recording.Id));
        await WaitForAsync("the upload", () => _shared.Stored.Count == 1 && _service.Backlog == 0);
        await WaitForAsync("the shared copy recorded", () => Reports().Contains($"{recording.Id} landed at shared"));
        Assert.Equal([$"{recording.Id} landed at {Self}", $"{recording.Id} landed at shared"], Reports());
        Assert.Equal([Self, "shared"], (await _catalog.Replicas.GetAsync([recording.Id], TestContext.Current.CancellationToken))[recording.Id]);

        // The rows lost (a report that never arrived): the next pass sees both copies and records them again, without a copy.
        await _catalog.Replicas.RecordRemovedAsync(recording.Id, Self, TestContext.Current.CancellationToken);
        await _catalog.Replicas.RecordRemovedAsync(recording.Id, "shared", TestContext.Current.CancellationToken);
        _service.RequestReconcile("test");
        await WaitForPassesAsync(2);
        Assert.Equal([Self, "shared"], (await _catalog.Replicas.GetAsync([recording.Id], TestContext.Current.CancellationToken))[recording.Id]);
        Assert.Equal([Audio(recording)], _shared.Stored);
    }

    [Fact]
    public async Task OnALoneNodeTheOwnCopyIsListedWithTheRowAndNoGrainIsAsked()
    {
        // No peer and no shared store: nowhere to copy to.
        await StartAsync(new ReplicationOptions(), new DisabledSharedBlobStore());
        await WaitForPassesAsync(1);
        var recording = await RecordAsync(1, catalogue: false);
        var indexer = new CatalogIndexer(_catalog, _service!, _storage.StorePath, _time, NullLogger<CatalogIndexer>.Instance, nodeName: Self);

        Assert.True(await indexer.AddAsync(new FinalizedRecording(recording.Id, "unused.wav", Path.Combine(_storage.StorePath, "unused.json"), recording), TestContext.Current.CancellationToken));
        Assert.Equal(1, _service!.Backlog);
        await WaitForAsync("the live item taken", () => _service.Backlog == 0);

        Assert.Equal([Self], (await _catalog.Replicas.GetAsync([recording.Id], TestContext.Current.CancellationToken))[recording.Id]);
        Assert.Empty(Reports());
        Assert.DoesNotContain(_log.Lines, l => l.Contains(recording.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailedCopyIsReportedToTheRecordingsGrain()
    {
        await StartIdleAsync(new ReplicationOptions { InitialRetryDelay = TimeSpan.FromSeconds(1) });
        var recording = await RecordAsync(1);
        _shared.FailNext(1);

        Assert.True(_service!.Enqueue(recording.Id));
        await AdvancePastRetryAsync(1);
        await WaitForAsync("the upload after the failure", () => Reports().Contains($"{recording.Id} landed at shared"));
        Assert.Equal([$"{recording.Id} landed at {Self}", $"{recording.Id} failed at shared", $"{recording.Id} landed at shared"], Reports());
    }

    [Fact]
    public async Task BackoffDoublesUpToTheCapThenLeavesTheRecordingToCatchUp()
    {
        await StartIdleAsync(new ReplicationOptions
        {
            InitialRetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(8),
            MaxLiveAttempts = 7,
        });
        var recording = await RecordAsync(1);
        _shared.FailNext(int.MaxValue);

        Assert.True(_service!.Enqueue(recording.Id));
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await AdvancePastRetryAsync(attempt);
        }

        await WaitForAsync("the live attempts to end", () => _service.Backlog == 0 && _shared.Attempts.Count == 7);
        Assert.Equal(new[] { 1, 2, 4, 8, 8, 8 }.Select(s => TimeSpan.FromSeconds(s)), _time.Delays);
        Assert.Contains(_log.Lines, l => l.Contains($"{recording.Id}: live attempt 7 in 00:00:08", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Contains($"{recording.Id} left to catch-up after 7 live attempts", StringComparison.Ordinal));

        // The store is back: the next catch-up pass copies what live replication gave up on, once.
        _shared.FailNext(0);
        _service.RequestReconcile("test");
        await WaitForAsync("the catch-up copy", () => _shared.Stored.Count == 1);
        await WaitForPassesAsync(2);
        Assert.Equal([Audio(recording)], _shared.Stored);
        Assert.Equal(6, _time.Delays.Count);
    }

    [Fact]
    public async Task UpToLiveConcurrencyRecordingsAreCopiedAtOnceAndTheNextWaitsForAFreeSlot()
    {
        await StartIdleAsync(new ReplicationOptions { LiveConcurrency = 3 });
        var recordings = new List<RecordingManifest>();
        for (var i = 1; i <= 4; i++)
        {
            recordings.Add(await RecordAsync(i));
        }

        var reached = recordings.Select(r => _shared.Hold(Audio(r))).ToList();
        foreach (var recording in recordings)
        {
            Assert.True(_service!.Enqueue(recording.Id));
        }

        // Three uploads in flight together; the fourth starts only when one of them ends.
        await Task.WhenAll(reached.Take(3)).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(reached[3].IsCompleted, "a fourth upload started while three were in flight");
        _shared.Release(Audio(recordings[1]));
        await reached[3].WaitAsync(Deadline, TestContext.Current.CancellationToken);

        foreach (var recording in recordings)
        {
            _shared.Release(Audio(recording));
        }

        await WaitForAsync("every live copy", () => _shared.Stored.Count == 4 && _service!.Backlog == 0);
        Assert.Equal(recordings.Select(Audio).Order(), _shared.Stored.Order());
        Assert.Equal(4, _shared.Attempts.Count);
    }

    [Fact]
    public async Task ALiveRecordingGoesBeforeTheRestOfACatchUpPassAndIsNotCopiedTwice()
    {
        var old = new List<RecordingManifest>();
        for (var i = 1; i <= 3; i++)
        {
            old.Add(await RecordAsync(i));
        }

        var held = _shared.Hold(Audio(old[0]));
        await StartAsync(new ReplicationOptions());
        await held.WaitAsync(Deadline, TestContext.Current.CancellationToken);

        // A call ends while the start pass is busy with the oldest recording.
        var fresh = await RecordAsync(10);
        Assert.True(_service!.Enqueue(fresh.Id));
        _shared.Release(Audio(old[0]));

        await WaitForAsync("every recording in the shared store", () => _shared.Stored.Count >= 4);
        await WaitForPassesAsync(1);
        Assert.Equal([Audio(old[0]), Audio(fresh), Audio(old[1]), Audio(old[2])], _shared.Attempts);
        Assert.Equal(_shared.Attempts, _shared.Stored);
    }

    [Fact]
    public async Task ARecordingCopiedLiveWhileACatchUpPassRunsIsNotUploadedAgainByThatPass()
    {
        await StartIdleAsync(new ReplicationOptions());
        var older = await RecordAsync(1);
        var late = await RecordAsync(2);
        var held = _shared.Hold(Audio(older));
        _service!.RequestReconcile("test");
        await held.WaitAsync(Deadline, TestContext.Current.CancellationToken);

        // The pass listed the shared store before this live copy (a retry coming due, say) gets there.
        Assert.True(_service.Enqueue(late.Id));
        _shared.Release(Audio(older));

        await WaitForPassesAsync(2);
        await WaitForAsync("the live queue to drain", () => _service.Backlog == 0);
        Assert.Equal([Audio(older), Audio(late)], _shared.Stored);
    }

    [Fact]
    public async Task ATombstonedRecordingStillOnThisNodeIsNeverCopied()
    {
        var deleted = await RecordAsync(1);
        var kept = await RecordAsync(2);
        // Deleted while this node was down: the tombstone and the catalog row are gone, the local copy is not.
        await _catalog.AddTombstoneAsync(deleted.Id, Base, "test", TestContext.Current.CancellationToken);
        Assert.True(await _catalog.DeleteAsync(deleted.Id, TestContext.Current.CancellationToken));

        await StartAsync(new ReplicationOptions());
        Assert.True(_service!.Enqueue(deleted.Id));
        _service.RequestReconcile("test");
        await WaitForPassesAsync(1);
        await WaitForAsync("the live queue to drain", () => _service.Backlog == 0);

        Assert.Equal([Audio(kept)], _shared.Attempts);
        Assert.False(_shared.Has(Audio(deleted)));
        Assert.False(_shared.Has(Manifest(deleted)));
    }

    [Fact]
    public async Task APassRunsWhenAFailureOwesOneOrTheFullIntervalHasPassedNotAtEveryTick()
    {
        var interval = TimeSpan.FromSeconds(30);
        await StartAsync(new ReplicationOptions { ReconcileInterval = interval, FullReconcileInterval = TimeSpan.FromMinutes(10) }, periodic: true);
        await WaitForPassesAsync(1);

        // Quiet: a recording copied live, then five ticks with nothing owed.
        var copied = await RecordAsync(1);
        Assert.True(_service!.Enqueue(copied.Id));
        await WaitForAsync("the live copy", () => _shared.Stored.Count == 1 && _service.Backlog == 0);
        await TickAsync(interval, 5);
        Assert.Equal(["start"], PassReasons());

        // A live copy fails: the next tick runs a pass, which copies it (once, whichever of the pass and the live
        // retry, due a second later, gets there first).
        _shared.FailNext(1);
        var failed = await RecordAsync(2);
        Assert.True(_service.Enqueue(failed.Id));
        await WaitForAsync("the failed live attempt", () => _time.Delays.Count == 1);
        await TickAsync(interval, 1);
        await WaitForPassesAsync(2);
        await WaitForAsync("the live queue to drain", () => _service.Backlog == 0);
        Assert.Equal([Audio(copied), Audio(failed)], _shared.Stored);
        Assert.Equal(["start", $"owed: copy of {failed.Id} to shared failed"], PassReasons());

        // Nothing owed again: no pass in the 19 ticks before ten minutes since the last one began; the 20th runs one.
        await TickAsync(interval, 19);
        Assert.Equal(2, PassReasons().Count);
        await TickAsync(interval, 1);
        await WaitForPassesAsync(3);
        Assert.Equal(["start", $"owed: copy of {failed.Id} to shared failed", "periodic"], PassReasons());
        Assert.Equal([Audio(copied), Audio(failed)], _shared.Stored);
    }

    [Fact]
    public async Task AnUnreachableSharedStoreOwesAPassAtEveryTickUntilItIsBack()
    {
        var interval = TimeSpan.FromSeconds(30);
        var recording = await RecordAsync(1);
        _shared.FailListing = true;
        await StartAsync(new ReplicationOptions { ReconcileInterval = interval }, periodic: true);
        await WaitForPassesAsync(1);
        Assert.Empty(_shared.Stored);

        await TickAsync(interval, 1);
        await WaitForPassesAsync(2);
        _shared.FailListing = false;
        await TickAsync(interval, 1);
        await WaitForPassesAsync(3);
        await WaitForAsync("the upload", () => _shared.Stored.Count == 1);

        // Listed fine and nothing left: the next ticks are quiet.
        await TickAsync(interval, 3);
        Assert.Equal(["start", "owed: listing of the shared store failed", "owed: listing of the shared store failed"], PassReasons());
        Assert.Equal([Audio(recording)], _shared.Stored);
    }

    private List<string> Reports()
    {
        lock (_reports)
        {
            return [.. _reports];
        }
    }

    private async Task StartAsync(ReplicationOptions options, ISharedBlobStore? shared = null, bool periodic = false)
    {
        if (!periodic)
        {
            // Never by itself: a pass only when a test asks for one.
            options.ReconcileInterval = TimeSpan.FromDays(1);
        }

        // No peers in these tests, so the grain factory is never asked for a node's store.
        var transfer = new ReplicaTransfer(_local, shared ?? _shared, grains: null!);
        var landings = new ReplicaLandings(id => new CatalogReplicasGrain(id, _catalog.Replicas, _time, _reports), new CapturingLogger<ReplicaLandings>());
        _service = new ReplicationService(Self, _catalog, transfer, landings, new SoloMembership(Self), options, _meters, _time, _log);
        await _service.StartAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Starts the service and waits for its start pass to end, so a recording made afterwards is seen by live
    /// replication alone (otherwise a slow start pass may list it too and add an upload of its own).
    /// </summary>
    private async Task StartIdleAsync(ReplicationOptions options)
    {
        await StartAsync(options);
        await WaitForPassesAsync(1);
    }

    /// <summary>Waits for live attempt <paramref name="attempt"/> to fail and its retry delay to be set, then moves the clock exactly that far.</summary>
    private async Task AdvancePastRetryAsync(int attempt)
    {
        await WaitForAsync($"live attempt {attempt} and its retry timer", () => _shared.Attempts.Count == attempt && _time.Delays.Count == attempt);
        _time.Advance(_time.Delays[attempt - 1]);
    }

    /// <summary>
    /// Moves the clock one reconcile interval at a time, giving the service's tick loop a moment after each to ask for a
    /// pass if it would (a real pause: the loop runs on the thread pool once the fake timer fires).
    /// </summary>
    private async Task TickAsync(TimeSpan interval, int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            _time.Advance(interval);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        // A pass asked for by the last tick has started and ended before the caller counts passes.
        await Task.Delay(200, TestContext.Current.CancellationToken);
    }

    /// <summary>The reason of every catch-up pass so far, in order.</summary>
    private List<string> PassReasons() =>
        [.. _log.Lines.Where(l => l.StartsWith("Catch-up pass (", StringComparison.Ordinal))
            .Select(l => l["Catch-up pass (".Length..l.IndexOf("): ", StringComparison.Ordinal)])];

    private Task WaitForPassesAsync(int count) =>
        WaitForAsync($"{count} catch-up passes", () => _log.Lines.Count(l => l.StartsWith("Catch-up pass", StringComparison.Ordinal)) >= count);

    /// <summary>A finalized recording: random audio in this node's store and its row in the catalog.</summary>
    private async Task<RecordingManifest> RecordAsync(int minute, bool catalogue = true)
    {
        var audio = RandomNumberGenerator.GetBytes(100_000 + minute);
        var manifest = TestStore.Manifest($"rec{minute:D3}{Guid.NewGuid():N}"[..20], Base.AddMinutes(minute), audio) with { RecordedBy = Self };
        var stored = await _local.StoreAsync(ReplicaTransfer.Describe(manifest), (sink, ct) => sink.WriteAsync(audio, ct).AsTask(), TestContext.Current.CancellationToken);
        Assert.Equal(OrleansRecorder.Abstractions.Storage.ReplicaCompletion.Stored, stored);
        if (catalogue)
        {
            await _catalog.AddAsync(manifest, TestContext.Current.CancellationToken);
        }

        return manifest;
    }

    private static string Audio(RecordingManifest manifest) => ReplicaTransfer.Describe(manifest).Key.AudioName;

    private static string Manifest(RecordingManifest manifest) => ReplicaTransfer.Describe(manifest).Key.ManifestName;

    private async Task WaitForAsync(string what, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"Not reached in {Deadline}: {what}. Uploads tried: {string.Join(", ", _shared.Attempts)}; delays: {string.Join(", ", _time.Delays)}; log:\n{string.Join("\n", _log.Lines)}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
