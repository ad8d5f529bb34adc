using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// The durable catalog insert: a recording finalized while the database does not answer stays pending on disk and is
/// indexed by the pending pass once it answers; a recording deleted meanwhile is not brought back. "Down" is a SQLite
/// database whose directory does not exist yet; "back" creates it.
/// </summary>
public sealed class CatalogIndexerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _data = new();
    private readonly string _databaseDirectory;
    private readonly DbRecordingCatalog _catalog;
    private readonly ReplicationQueueSpy _replication = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly CatalogIndexer _indexer;

    public CatalogIndexerTests()
    {
        _databaseDirectory = Path.Combine(_data.Path, "database-not-there-yet");
        _catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, SqliteClusterSchema.ConnectionStringFor(_databaseDirectory));
        _indexer = new CatalogIndexer(_catalog, _replication, _data.Path, _time, NullLogger<CatalogIndexer>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task WithTheDatabaseUpARecordingIsIndexedAtOnceAndLeavesNoMarker()
    {
        await BringDatabaseBackAsync();
        var recording = await WriteRecordingAsync("rec-up");

        Assert.True(await _indexer.AddAsync(recording, Ct));

        Assert.NotNull(await _catalog.GetAsync("rec-up", Ct));
        Assert.Equal(["rec-up"], _replication.Queued);
        Assert.Equal(new CatalogIndexStatus(0, null, null), _indexer.Status);
        Assert.Empty(Directory.GetFiles(_indexer.PendingDirectory));
    }

    [Fact]
    public async Task ARecordingFinalizedWhileTheDatabaseIsDownIsIndexedWhenItAnswers()
    {
        var recording = await WriteRecordingAsync("rec-down");

        Assert.False(await _indexer.AddAsync(recording, Ct));
        Assert.Equal(1, await _indexer.RetryPendingAsync(Ct));
        var down = _indexer.Status;
        Assert.Equal(1, down.Pending);
        Assert.Equal(Start, down.UnreachableSince);
        Assert.Contains("unreachable since", down.Warning, StringComparison.Ordinal);
        Assert.Empty(_replication.Queued);

        // Back, but the indexer does not know yet: a recording finalized now is not tried inline (no waiting on a
        // database known to be down); the next pass indexes both.
        await BringDatabaseBackAsync();
        var later = await WriteRecordingAsync("rec-later");
        Assert.False(await _indexer.AddAsync(later, Ct));
        Assert.Equal(0, await _indexer.RetryPendingAsync(Ct));

        Assert.Equal(recording.Manifest.Sha256, (await _catalog.GetAsync("rec-down", Ct))?.Sha256);
        Assert.NotNull(await _catalog.GetAsync("rec-later", Ct));
        Assert.Equal(["rec-down", "rec-later"], _replication.Queued);
        Assert.Equal(new CatalogIndexStatus(0, null, null), _indexer.Status);
        Assert.Null(_indexer.Status.Warning);
    }

    [Fact]
    public async Task APendingRecordingDeletedMeanwhileIsNotBroughtBackAndOneAlreadyIndexedOnlyLosesItsMarker()
    {
        var deleted = await WriteRecordingAsync("rec-deleted");
        var indexed = await WriteRecordingAsync("rec-indexed");
        Assert.False(await _indexer.AddAsync(deleted, Ct));
        Assert.False(await _indexer.AddAsync(indexed, Ct));

        // Back: one was deleted (tombstone), the other was committed before its marker could go (a killed process).
        await BringDatabaseBackAsync();
        await _catalog.AddTombstoneAsync("rec-deleted", Start, "delete", Ct);
        await _catalog.AddAsync(indexed.Manifest, Ct);
        await _catalog.SetPreservedAsync("rec-indexed", preserved: true, Ct);

        Assert.Equal(0, await _indexer.RetryPendingAsync(Ct));

        Assert.Null(await _catalog.GetAsync("rec-deleted", Ct));
        Assert.True((await _catalog.ListStartedBeforeAsync(Start.AddDays(1), null, null, 10, Ct)).Single(e => e.Manifest.Id == "rec-indexed").Preserved);
        Assert.Empty(_replication.Queued);
    }

    [Fact]
    public async Task AMarkerWhoseManifestIsGoneIsSetAsideInsteadOfBlockingThePass()
    {
        var gone = await WriteRecordingAsync("rec-gone");
        var kept = await WriteRecordingAsync("rec-kept");
        Assert.False(await _indexer.AddAsync(gone, Ct));
        Assert.False(await _indexer.AddAsync(kept, Ct));
        File.Delete(gone.ManifestPath);

        await BringDatabaseBackAsync();
        Assert.Equal(0, await _indexer.RetryPendingAsync(Ct));

        Assert.NotNull(await _catalog.GetAsync("rec-kept", Ct));
        Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, CatalogIndexer.RejectedFolder)));
    }

    /// <summary>
    /// Issue #15: the node that took a dead node's call over catalogued its copy; the dead node, back, recovers its own
    /// copy of the same call. The longer one is kept by the same id, the shorter one leaves this node's disk.
    /// </summary>
    [Fact]
    public async Task OfTwoCopiesOfOneCallTheLongerIsKeptAndTheShorterOrEqualOneIsDiscarded()
    {
        await BringDatabaseBackAsync();
        Assert.True(await _indexer.AddAsync(await WriteRecordingAsync("rec-dup", 6.5, 'b'), Ct));

        Assert.True(await _indexer.AddAsync(await WriteRecordingAsync("rec-dup", 8, 'c'), Ct));
        Assert.Equal(new string('c', 64), (await _catalog.GetAsync("rec-dup", Ct))!.Sha256);

        foreach (var (duration, sha) in new[] { (5.0, 'd'), (8.0, 'e') })
        {
            var shorter = await WriteRecordingAsync("rec-dup", duration, sha);
            Assert.True(await _indexer.AddAsync(shorter, Ct));
            var kept = (await _catalog.GetAsync("rec-dup", Ct))!;
            Assert.Equal(new string('c', 64), kept.Sha256);
            Assert.Equal(8, kept.DurationSeconds);
            Assert.False(File.Exists(shorter.AudioPath), "the losing copy's audio is gone");
            Assert.False(File.Exists(shorter.ManifestPath), "the losing copy's manifest is gone");
        }

        // Queued each time: the winner is pushed, and a node that lost its copy pulls the winner back.
        Assert.Equal(["rec-dup", "rec-dup", "rec-dup", "rec-dup"], _replication.Queued);
        Assert.Empty(Directory.GetFiles(_indexer.PendingDirectory));
    }

    [Fact]
    public async Task APendingCopyOfACallAlreadyCataloguedByAnotherNodeReplacesItOnlyWhenLonger()
    {
        var longer = await WriteRecordingAsync("rec-late-long", 9, 'f');
        var shorter = await WriteRecordingAsync("rec-late-short", 4, 'f');
        Assert.False(await _indexer.AddAsync(longer, Ct));
        Assert.False(await _indexer.AddAsync(shorter, Ct));

        // Meanwhile the other node's copies (7 s each) reached the catalog.
        await BringDatabaseBackAsync();
        foreach (var id in new[] { "rec-late-long", "rec-late-short" })
        {
            var other = await WriteRecordingAsync(id + "-other", 7, 'g');
            await _catalog.AddAsync(other.Manifest with { Id = id }, Ct);
        }

        Assert.Equal(0, await _indexer.RetryPendingAsync(Ct));
        Assert.Equal(new string('f', 64), (await _catalog.GetAsync("rec-late-long", Ct))!.Sha256);
        Assert.Equal(new string('g', 64), (await _catalog.GetAsync("rec-late-short", Ct))!.Sha256);
        Assert.True(File.Exists(longer.AudioPath));
        Assert.False(File.Exists(shorter.AudioPath));
        Assert.False(File.Exists(shorter.ManifestPath));
    }

    private async Task BringDatabaseBackAsync()
    {
        Directory.CreateDirectory(_databaseDirectory);
        await _catalog.InitializeAsync(Ct);
    }

    private Task<FinalizedRecording> WriteRecordingAsync(string id) => WriteRecordingAsync(id, 10, 'a');

    private async Task<FinalizedRecording> WriteRecordingAsync(string id, double durationSeconds, char sha)
    {
        var options = new RecordingOptions { DataDirectory = _data.Path };
        var directory = RecordingPaths.RecordingDirectory(options, Start);
        Directory.CreateDirectory(directory);
        var audio = Path.Combine(directory, id + ".wav");
        await File.WriteAllBytesAsync(audio, new byte[100], Ct);
        var manifest = new RecordingManifest
        {
            Id = id,
            StartedAt = Start,
            EndedAt = Start.AddSeconds(durationSeconds),
            DurationSeconds = durationSeconds,
            NearEnd = new RecordingParty { Number = "1001" },
            FarEnd = new RecordingParty { Number = "2002" },
            Format = "wav",
            SizeBytes = 100,
            Sha256 = new string(sha, 64),
            RecordedBy = "node-a",
            Status = RecordingStatus.Complete,
        };
        var path = Path.Combine(directory, id + ".json");
        await AtomicFile.WriteJsonAsync(path, manifest, RecordingJsonContext.Default.RecordingManifest, Ct);
        return new FinalizedRecording(id, audio, path, manifest);
    }
}
