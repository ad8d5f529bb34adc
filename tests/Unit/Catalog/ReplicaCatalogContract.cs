using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// Where the copies are (<see cref="CatalogReplicas"/>, migration 7's <c>Replicas</c>), run against SQLite
/// (<c>SqliteReplicaCatalogTests</c>) and PostgreSQL (<c>PostgresReplicaCatalogTests</c>): recorded as copies land,
/// listed only with the catalog's hash, gone with the copy or the recording, mended by a pass, and the lag per location.
/// Three recordings made on node-a, ending at 09:05, 09:10 and 09:20.
/// </summary>
public abstract class ReplicaCatalogContract : CatalogContract
{
    private const string Hash = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string OtherHash = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static readonly DateTimeOffset Nine = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Nine.AddHours(2);

    private IRecordingCatalog Catalog { get; set; } = null!;

    private CatalogReplicas Replicas => Catalog.Replicas;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Catalog = Database.Catalog();
        await Catalog.InitializeAsync(Ct);
        await AddAsync("r1", Nine, Nine.AddMinutes(5));
        await AddAsync("r2", Nine.AddMinutes(6), Nine.AddMinutes(10));
        await AddAsync("r3", Nine.AddMinutes(11), Nine.AddMinutes(20));
    }

    [Fact]
    public async Task LandedCopiesAreListedNodesSortedThenSharedAndARecordingWithoutOneIsAbsent()
    {
        await Replicas.RecordLandedAsync("r1", "shared", Hash, Nine.AddMinutes(6), Ct);
        await Replicas.RecordLandedAsync("r1", "node-b", Hash.ToUpperInvariant(), Nine.AddMinutes(6), Ct);
        await Replicas.RecordLandedAsync("r1", "node-a", Hash, Nine.AddMinutes(5), Ct);
        await Replicas.RecordLandedAsync("r2", "node-a", Hash, Nine.AddMinutes(10), Ct);

        var found = await Replicas.GetAsync(["r1", "r2", "r3", "unknown"], Ct);

        Assert.Equal(["node-a", "node-b", "shared"], found["r1"]);
        Assert.Equal(["node-a"], found["r2"]);
        Assert.False(found.ContainsKey("r3"));
        Assert.False(found.ContainsKey("unknown"));
    }

    [Fact]
    public async Task ACopyWithAnotherHashIsNotListedAndTheRightOneReplacesIt()
    {
        await Replicas.RecordLandedAsync("r1", "node-b", OtherHash, Nine.AddMinutes(6), Ct);
        Assert.False((await Replicas.GetAsync(["r1"], Ct)).ContainsKey("r1"));

        await Replicas.RecordLandedAsync("r1", "node-b", Hash, Nine.AddMinutes(7), Ct);
        Assert.Equal(["node-b"], (await Replicas.GetAsync(["r1"], Ct))["r1"]);

        // The catalog's copy changes (another node's longer copy won): the copies of the old one are no longer listed.
        await AddAsync("r1", Nine, Nine.AddMinutes(5), OtherHash);
        Assert.False((await Replicas.GetAsync(["r1"], Ct)).ContainsKey("r1"));
    }

    [Fact]
    public async Task ARemovedCopyAndADeletedRecordingLeaveNoRowAndALandingAfterTheDeleteIsNotKept()
    {
        await Replicas.RecordLandedAsync("r1", "node-a", Hash, Nine.AddMinutes(5), Ct);
        await Replicas.RecordLandedAsync("r1", "node-b", Hash, Nine.AddMinutes(6), Ct);
        await Replicas.RecordRemovedAsync("r1", "node-b", Ct);
        Assert.Equal(["node-a"], (await Replicas.GetAsync(["r1"], Ct))["r1"]);

        Assert.True(await Catalog.DeleteAsync("r1", Ct));
        await Replicas.RecordLandedAsync("r1", "node-c", Hash, Nine.AddMinutes(7), Ct);
        Assert.Empty(await Database.RowsAsync("SELECT location FROM Replicas WHERE recording_id = 'r1'"));

        // Catalogued again (a rebuild): no copy is listed until one is recorded.
        await AddAsync("r1", Nine, Nine.AddMinutes(5));
        Assert.False((await Replicas.GetAsync(["r1"], Ct)).ContainsKey("r1"));
    }

    [Fact]
    public async Task APassAddsWhatItSawAndForgetsOnlyCopiesThatLandedBeforeItLooked()
    {
        var pass = Nine.AddMinutes(30);
        await Replicas.RecordLandedAsync("r1", "node-a", Hash, Nine.AddMinutes(5), Ct);
        await Replicas.RecordLandedAsync("r1", "node-b", Hash, pass.AddSeconds(1), Ct);
        await Replicas.RecordLandedAsync("r2", "node-b", Hash, Nine.AddMinutes(11), Ct);

        await Replicas.MendAsync(
            [("r1", "shared", Hash), ("r2", "node-b", Hash), ("r3", "node-a", Hash)],
            [("r1", "node-a"), ("r1", "node-b"), ("r2", "shared")],
            pass,
            Ct);

        var found = await Replicas.GetAsync(["r1", "r2", "r3"], Ct);
        Assert.Equal(["node-b", "shared"], found["r1"]); // node-b's copy landed while the pass was looking
        Assert.Equal(["node-b"], found["r2"]);
        Assert.Equal(["node-a"], found["r3"]);

        // A copy already recorded keeps its landing time: r2 on node-b landed 1 min after r2 ended, not at the pass.
        await Replicas.RecordRemovedAsync("r1", "node-b", Ct);
        var lag = Assert.Single(await Replicas.LagAsync(["node-b"], Nine, Nine, Until, Ct));
        Assert.Equal(1, lag.Landings);
        Assert.Equal(TimeSpan.FromMinutes(1), lag.Median);
    }

    [Fact]
    public async Task TheLagIsTheMedianAndLongestTimeToLandAndTheOldestRecordingNotThereYet()
    {
        // node-a made them: its own copies are not replication and are not counted.
        foreach (var (id, ended) in new[] { ("r1", Nine.AddMinutes(5)), ("r2", Nine.AddMinutes(10)), ("r3", Nine.AddMinutes(20)) })
        {
            await Replicas.RecordLandedAsync(id, "node-a", Hash, ended, Ct);
        }

        await Replicas.RecordLandedAsync("r1", "node-b", Hash, Nine.AddMinutes(5).AddSeconds(1), Ct);
        await Replicas.RecordLandedAsync("r3", "node-b", Hash, Nine.AddMinutes(20).AddSeconds(10), Ct);
        await Replicas.RecordLandedAsync("r1", "shared", Hash, Nine.AddMinutes(5).AddSeconds(2), Ct);
        await Replicas.RecordLandedAsync("r2", "shared", Hash, Nine.AddMinutes(10).AddSeconds(3), Ct);
        await Replicas.RecordLandedAsync("r3", "shared", Hash, Nine.AddMinutes(20).AddSeconds(4), Ct);
        // A landing again of the same copy keeps its first time.
        await Replicas.RecordLandedAsync("r3", "shared", Hash, Nine.AddHours(1), Ct);

        var lags = (await Replicas.LagAsync(["node-a", "node-b", "shared", "node-c"], Nine, Nine, Until, Ct)).ToDictionary(l => l.Location);

        Assert.Equal(new ReplicaLag("node-a", null, null, 0, null, null), lags["node-a"]);
        Assert.Equal(new ReplicaLag("node-b", "r2", Nine.AddMinutes(10), 2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), lags["node-b"]);
        Assert.Equal(new ReplicaLag("shared", null, null, 3, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)), lags["shared"]);
        Assert.Equal(new ReplicaLag("node-c", "r1", Nine.AddMinutes(5), 0, null, null), lags["node-c"]);

        // Only landings since the given time count; only recordings started since the window's start are looked for.
        var recent = Assert.Single(await Replicas.LagAsync(["node-c"], Nine.AddMinutes(6), Nine.AddMinutes(15), Until, Ct));
        Assert.Equal("r2", recent.OldestMissingId);
        Assert.Equal(1, (await Replicas.LagAsync(["shared"], Nine, Nine.AddMinutes(15), Until, Ct))[0].Landings); // r3's landing only

        // Nothing at or after the end of the range counts: neither a landing nor a recording that started then.
        Assert.Equal(2, (await Replicas.LagAsync(["shared"], Nine, Nine, Nine.AddMinutes(15), Ct))[0].Landings); // r1's and r2's
        Assert.Null((await Replicas.LagAsync(["node-c"], Nine.AddMinutes(1), Nine, Nine.AddMinutes(6), Ct))[0].OldestMissingId);
    }

    [Fact]
    public async Task TheFinalizingNodesCopyIsRecordedWithTheRowAndAReplacedRowMovesItToTheNewHash()
    {
        await AddAsync("r4", Nine.AddMinutes(30), Nine.AddMinutes(31), copyAt: "node-a");

        Assert.Equal(["node-a"], (await Replicas.GetAsync(["r4"], Ct))["r4"]);
        var row = Assert.Single(await Database.RowsAsync("SELECT location, sha256 FROM Replicas WHERE recording_id = 'r4'"));
        Assert.Equal(["node-a", Hash], row.Select(v => v?.ToString()));

        // The node's longer copy of the same call replaces the row (CatalogIndexer.Supersedes): its copy is the one listed.
        await AddAsync("r4", Nine.AddMinutes(30), Nine.AddMinutes(32), OtherHash.ToUpperInvariant(), copyAt: "node-a");
        Assert.Equal(["node-a"], (await Replicas.GetAsync(["r4"], Ct))["r4"]);
        row = Assert.Single(await Database.RowsAsync("SELECT location, sha256 FROM Replicas WHERE recording_id = 'r4'"));
        Assert.Equal(["node-a", OtherHash], row.Select(v => v?.ToString()));

        // Without a copy named, nothing is recorded (r1 to r3 of the set-up).
        Assert.Empty(await Database.RowsAsync("SELECT location FROM Replicas WHERE recording_id IN ('r1', 'r2', 'r3')"));
    }

    private Task AddAsync(string id, DateTimeOffset start, DateTimeOffset end, string sha256 = Hash, string? copyAt = null) =>
        Catalog.AddAsync(new RecordingManifest
        {
            Id = id,
            RefCi = "ref-" + id,
            StartedAt = start,
            EndedAt = end,
            DurationSeconds = (end - start).TotalSeconds,
            NearEnd = new RecordingParty { Number = "1001", Device = "SEP-NEAR" },
            FarEnd = new RecordingParty { Number = "2001", Device = "SEP-FAR" },
            Format = "wav",
            SizeBytes = 100,
            Sha256 = sha256,
            RecordedBy = "node-a",
            Status = RecordingStatus.Complete,
            Flags = [],
            Cucm = new CucmMetadata { RefCi = "ref-" + id, NearEndClusterId = "ClusterA", NearEndAddress = "1001" },
        }, copyAt, null, Ct);
}
