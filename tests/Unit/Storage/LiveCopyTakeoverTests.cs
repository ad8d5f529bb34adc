using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.Unit.Catalog;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Storage;

/// <summary>
/// The survivor's side of in-call replication (issue #15): a copy is finalized only once the silo that sent it is dead
/// in the membership (that incarnation), as an interrupted recording equal to what the dead node's own recovery makes
/// of the same segments, and catalogued.
/// </summary>
public sealed class LiveCopyTakeoverTests : IDisposable
{
    private static readonly SiloAddress Self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress Source = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
    private static readonly SiloAddress SourceRestarted = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 2);
    private readonly TempDirectory _source = new();
    private readonly TempDirectory _survivor = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero));
    private readonly ReplicationQueueSpy _replication = new();
    private readonly DbRecordingCatalog _catalog;
    private readonly FileLiveCopyStore _store;

    public LiveCopyTakeoverTests()
    {
        _catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, SqliteClusterSchema.ConnectionStringFor(Path.Combine(_survivor.Path, "db")));
        _store = new FileLiveCopyStore(_survivor.Path);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _source.Dispose();
        _survivor.Dispose();
    }

    [Fact]
    public async Task ACopyIsFinalizedOnlyOnceItsSilosIncarnationIsDeadAndMatchesTheSourcesOwnRecovery()
    {
        Directory.CreateDirectory(Path.Combine(_survivor.Path, "db"));
        await _catalog.InitializeAsync(Ct);
        await ShipSegmentsAsync("call-1");
        var members = new Dictionary<SiloAddress, SiloStatus> { [Self] = SiloStatus.Active, [Source] = SiloStatus.Active };
        var takeover = Takeover(members);

        await takeover.TakeOverDeadAsync(Ct);
        Assert.Single(_store.List());

        // Restarted under the same name: the incarnation that sent the copy is dead all the same.
        members[Source] = SiloStatus.Dead;
        members[SourceRestarted] = SiloStatus.Active;
        await takeover.TakeOverDeadAsync(Ct);

        Assert.Empty(_store.List());
        Assert.Empty(_store.Unfinished());
        var manifest = await _catalog.GetAsync("call-1", Ct);
        Assert.NotNull(manifest);
        Assert.Equal(RecordingStatus.Interrupted, manifest.Status);
        Assert.Equal(LiveCopyTakeover.Flags, manifest.Flags);
        Assert.Equal(["call-1"], _replication.Queued);

        // The same audio as the dead node's own recovery of its segments.
        var own = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(new RecordingOptions { DataDirectory = _source.Path }, _time, NullLogger.Instance, Ct));
        Assert.Equal(own.Manifest.DurationSeconds, manifest.DurationSeconds);
        var taken = Path.Combine(RecordingPaths.RecordingDirectory(new RecordingOptions { DataDirectory = _survivor.Path }, manifest.StartedAt), "call-1.wav");
        var (ownLeft, ownRight) = RecordingSessionTests.Channels(own.AudioPath);
        var (takenLeft, takenRight) = RecordingSessionTests.Channels(taken);
        Assert.Equal(1600, takenLeft.Length);
        Assert.Equal(ownLeft, takenLeft);
        Assert.Equal(ownRight, takenRight);
    }

    [Fact]
    public async Task ACopyFromASiloNotInTheMembershipWaitsAMinuteWithoutChange()
    {
        Directory.CreateDirectory(Path.Combine(_survivor.Path, "db"));
        await _catalog.InitializeAsync(Ct);
        await ShipSegmentsAsync("call-2");
        var takeover = Takeover(new Dictionary<SiloAddress, SiloStatus> { [Self] = SiloStatus.Active });

        // The copy's files carry the source's write times: the fake clock says when "now" is.
        _time.SetUtcNow(File.GetLastWriteTimeUtc(Path.Combine(_store.CopiesRoot, "call-2", "near.pcm")) + TimeSpan.FromSeconds(30));
        await takeover.TakeOverDeadAsync(Ct);
        Assert.Single(_store.List());

        _time.Advance(LiveCopyTakeover.UnknownSourceAfter);
        await takeover.TakeOverDeadAsync(Ct);
        Assert.Empty(_store.List());
        Assert.NotNull(await _catalog.GetAsync("call-2", Ct));
    }

    private LiveCopyTakeover Takeover(Dictionary<SiloAddress, SiloStatus> members)
    {
        var indexer = new CatalogIndexer(_catalog, _replication, _survivor.Path, _time, NullLogger<CatalogIndexer>.Instance);
        return new LiveCopyTakeover(_store, new RecordingOptions { DataDirectory = _survivor.Path }, new ReplicationOptions(), indexer,
            new StaticMembership(members), _time, NullLogger<LiveCopyTakeover>.Instance);
    }

    /// <summary>A call on the source node, left unfinalized as a killed process leaves it, its files shipped to the survivor's store.</summary>
    private async Task ShipSegmentsAsync(string id)
    {
        var options = new RecordingOptions { DataDirectory = _source.Path };
        var session = RecordingSession.Create(options, RecordingSessionTests.Info(id), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Range(0, 1600).Select(i => (short)i).ToArray());
        session.FarEnd.Write(Enumerable.Repeat((short)-7, 1200).ToArray());
        await session.DisposeAsync();
        var chunks = Directory.GetFiles(RecordingPaths.SegmentDirectory(options, id)).Select(path => new LiveSegmentChunk(
            Path.GetFileName(path), 0, path.EndsWith(".json", StringComparison.Ordinal), new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero),
            File.ReadAllBytes(path))).ToList();
        await _store.AppendAsync(new LiveSegmentBatch(id, "node-a", Source.ToParsableString(), chunks), Ct);
    }

    private sealed class StaticMembership(Dictionary<SiloAddress, SiloStatus> members) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot => new(
            members.ToImmutableDictionary(m => m.Key, m => new ClusterMember(m.Key, m.Value, m.Key == Self ? "node-b" : "node-a")),
            new MembershipVersion(1));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }
}
