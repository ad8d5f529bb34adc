using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// How a catalog groups the recordings of one CUCM call (<see cref="RecordingGroups"/>), run against SQLite
/// (<c>SqliteRecordingGroupTests</c>) and PostgreSQL (<c>PostgresRecordingGroupTests</c>), each test on a
/// fresh database. Window: 1 hour.
/// </summary>
public abstract class RecordingGroupContract : CatalogContract
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private static readonly DateTimeOffset Base = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);

    private IRecordingCatalog Catalog { get; set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Catalog = Database.Catalog(groups: new RecordingGroupRules(Window));
        await Catalog.InitializeAsync(Ct);
    }

    [Fact]
    public async Task AHeldCallsTwoRecordingsAreOneGroupInStartOrder()
    {
        // Agent hold: BYE on both legs, new INVITEs on resume with the same refci (PROTOCOL.md §1.7).
        await AddAsync(Manifest("call-a-1", "ClusterA", "5001", Base, Base.AddMinutes(5)));
        await AddAsync(Manifest("call-a-2", "clustera", "5001", Base.AddMinutes(7), Base.AddMinutes(9))); // CUCM changes case
        await AddAsync(Manifest("other", "ClusterA", "5002", Base.AddMinutes(6), Base.AddMinutes(8)));

        var group = await Catalog.GetGroupAsync("call-a-1", Ct);

        Assert.NotNull(group);
        Assert.Equal(["call-a-1", "call-a-2"], group.Parts.Select(p => p.Id));
        var positions = RecordingGroups.Positions(await Catalog.GetGroupsOfAsync(["call-a-2", "other"], Ct));
        Assert.Equal(new RecordingGroupPosition("call-a-1", 2, 2), positions["call-a-2"]);
        Assert.Equal(new RecordingGroupPosition("call-a-1", 1, 2), positions["call-a-1"]);
        Assert.Equal(new RecordingGroupPosition("other", 1, 1), positions["other"]);
        Assert.Null(await Catalog.GetGroupAsync("call-a-2", Ct));
    }

    [Fact]
    public async Task APartJoinsWhenItStartsWithinTheWindowOfThePreviousPartsEndInclusive()
    {
        var end = Base.AddMinutes(10);
        await AddAsync(Manifest("edge-1", "C", "6001", Base, end));
        await AddAsync(Manifest("edge-2", "C", "6001", end + Window, end + Window + TimeSpan.FromMinutes(1)));
        await AddAsync(Manifest("late-1", "C", "6002", Base, end));
        await AddAsync(Manifest("late-2", "C", "6002", end + Window + TimeSpan.FromSeconds(1), end + Window + TimeSpan.FromMinutes(1)));

        // Each part counts from the previous one: a third part an hour after the second still joins.
        var thirdStart = end + Window + TimeSpan.FromMinutes(1) + Window;
        await AddAsync(Manifest("edge-3", "C", "6001", thirdStart, thirdStart.AddMinutes(1)));

        Assert.Equal(["edge-1", "edge-2", "edge-3"], (await Catalog.GetGroupAsync("edge-1", Ct))!.Parts.Select(p => p.Id));
        Assert.Equal(["late-1"], (await Catalog.GetGroupAsync("late-1", Ct))!.Parts.Select(p => p.Id));
        Assert.Equal(["late-2"], (await Catalog.GetGroupAsync("late-2", Ct))!.Parts.Select(p => p.Id));
    }

    [Fact]
    public async Task APartIndexedAfterALaterOneStillHeadsTheGroup()
    {
        // A rebuild or a node's catch-up can index the second part first.
        await AddAsync(Manifest("late-index-2", "C", "6101", Base.AddMinutes(10), Base.AddMinutes(12)));
        await AddAsync(Manifest("late-index-3", "C", "6101", Base.AddMinutes(13), Base.AddMinutes(14)));
        await AddAsync(Manifest("late-index-1", "C", "6101", Base, Base.AddMinutes(5)));
        await AddAsync(Manifest("far-later", "C", "6101", Base.AddMinutes(14) + Window + TimeSpan.FromMinutes(1), Base.AddHours(3)));

        Assert.Equal(["late-index-1", "late-index-2", "late-index-3"], (await Catalog.GetGroupAsync("late-index-1", Ct))!.Parts.Select(p => p.Id));
        Assert.Null(await Catalog.GetGroupAsync("late-index-2", Ct));
        Assert.Equal(["far-later"], (await Catalog.GetGroupAsync("far-later", Ct))!.Parts.Select(p => p.Id));
    }

    [Fact]
    public async Task AnotherClusterWithTheSameRefciIsAnotherCall()
    {
        await AddAsync(Manifest("cl-a", "ClusterA", "7001", Base, Base.AddMinutes(1)));
        await AddAsync(Manifest("cl-b", "ClusterB", "7001", Base.AddMinutes(2), Base.AddMinutes(3)));

        Assert.Equal(["cl-a"], (await Catalog.GetGroupAsync("cl-a", Ct))!.Parts.Select(p => p.Id));
        Assert.Equal(["cl-b"], (await Catalog.GetGroupAsync("cl-b", Ct))!.Parts.Select(p => p.Id));
    }

    [Fact]
    public async Task RecordingsWithoutARefciAreEachAGroupOfOne()
    {
        await AddAsync(Manifest("sip-1", null, null, Base, Base.AddMinutes(1)));
        await AddAsync(Manifest("sip-2", null, null, Base.AddMinutes(2), Base.AddMinutes(3)));

        var positions = RecordingGroups.Positions(await Catalog.GetGroupsOfAsync(["sip-1", "sip-2"], Ct));

        Assert.Equal(new RecordingGroupPosition("sip-1", 1, 1), positions["sip-1"]);
        Assert.Equal(new RecordingGroupPosition("sip-2", 1, 1), positions["sip-2"]);
    }

    [Fact]
    public async Task AddingARecordingAgainKeepsItsGroup()
    {
        await AddAsync(Manifest("again-1", "C", "8001", Base, Base.AddMinutes(1)));
        await AddAsync(Manifest("again-2", "C", "8001", Base.AddMinutes(2), Base.AddMinutes(3)));
        await AddAsync(Manifest("again-2", "C", "8001", Base.AddMinutes(2), Base.AddMinutes(3)) with { Flags = ["replaced"] });

        var group = await Catalog.GetGroupAsync("again-1", Ct);
        Assert.Equal(["again-1", "again-2"], group!.Parts.Select(p => p.Id));
        Assert.Equal(["replaced"], group.Parts[1].Flags);
    }

    [Fact]
    public async Task AGroupedSearchShowsEachCallOnceAndCountsCalls()
    {
        await AddAsync(Manifest("g-1", "C", "9001", Base, Base.AddMinutes(1)));
        await AddAsync(Manifest("g-2", "C", "9001", Base.AddMinutes(2), Base.AddMinutes(3)));
        await AddAsync(Manifest("g-3", "C", "9001", Base.AddMinutes(4), Base.AddMinutes(5)));
        await AddAsync(Manifest("single", "C", "9002", Base.AddMinutes(3), Base.AddMinutes(4)));

        var grouped = await Catalog.QueryAsync(new RecordingQuery(null, null, "1001", null, null) { GroupByCall = true }, Ct);
        var flat = await Catalog.QueryAsync(new RecordingQuery(null, null, "1001", null, null), Ct);
        var fromSecondPart = await Catalog.QueryAsync(
            new RecordingQuery(Base.AddMinutes(2), null, "1001", null, null) { GroupByCall = true, Ascending = true }, Ct);

        Assert.Equal(2, grouped.Total);
        Assert.Equal(["single", "g-1"], grouped.Items.Select(m => m.Id)); // newest first by the call's first part
        Assert.Equal(4, flat.Total);
        Assert.Equal(["g-2", "single"], fromSecondPart.Items.Select(m => m.Id)); // the earliest part that matches
        Assert.Equal(2, fromSecondPart.Total);
    }

    private Task AddAsync(RecordingManifest manifest) => Catalog.AddAsync(manifest, Ct);

    private static RecordingManifest Manifest(string id, string? cluster, string? refci, DateTimeOffset start, DateTimeOffset end) => new()
    {
        Id = id,
        RefCi = refci,
        StartedAt = start,
        EndedAt = end,
        DurationSeconds = (end - start).TotalSeconds,
        NearEnd = new RecordingParty { Number = "1001", Device = "SEP-NEAR" },
        FarEnd = new RecordingParty { Number = "2001", Device = "SEP-FAR" },
        Format = "wav",
        SizeBytes = 1000,
        Sha256 = new string('a', 64),
        RecordedBy = "node-a",
        Status = RecordingStatus.Complete,
        Cucm = new CucmMetadata { RefCi = refci, NearEndClusterId = cluster, NearEndAddress = "1001" },
    };
}
