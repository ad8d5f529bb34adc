using System.Text.Json;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// The catalog's search, storage and maintenance rows, run against SQLite (<c>SqliteRecordingCatalogTests</c>)
/// and PostgreSQL (<c>PostgresRecordingCatalogTests</c>): each test gets a fresh database holding 30 recordings.
/// </summary>
public abstract class RecordingCatalogContract : CatalogContract
{
    private static readonly DateTimeOffset Base = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly List<RecordingManifest> _all = [.. Enumerable.Range(0, 30).Select(Manifest)];
    private DbRecordingCatalog _catalog = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _catalog = Database.Catalog();
        await _catalog.InitializeAsync(Ct);
        await _catalog.InitializeAsync(Ct); // idempotent
        foreach (var manifest in _all)
        {
            await _catalog.AddAsync(manifest, Ct);
        }
    }

    [Fact]
    public async Task PagesAreNewestFirstWithTheTotal()
    {
        var page1 = await Query(new RecordingQuery(null, null, null, null, null, Page: 1, PageSize: 10));
        var page3 = await Query(new RecordingQuery(null, null, null, null, null, Page: 3, PageSize: 10));
        var page4 = await Query(new RecordingQuery(null, null, null, null, null, Page: 4, PageSize: 10));

        Assert.Equal(30, page1.Total);
        Assert.Equal(Ids(29, 20), page1.Items.Select(m => m.Id));
        Assert.Equal(Ids(9, 0), page3.Items.Select(m => m.Id));
        Assert.Empty(page4.Items);
        Assert.Equal(30, page4.Total);
    }

    [Theory]
    [InlineData("1001", null, null)]
    [InlineData("2003", null, null)]
    [InlineData(null, "SEP-NEAR-1", null)]
    [InlineData(null, "SEP-FAR-2", null)]
    [InlineData(null, null, RecordingStatus.Partial)]
    [InlineData(null, null, RecordingStatus.Interrupted)]
    [InlineData("1001", "SEP-NEAR-0", RecordingStatus.Complete)]
    [InlineData("9999", null, null)]
    public async Task FiltersMatchNearOrFarAndCountEveryMatch(string? number, string? device, RecordingStatus? status)
    {
        var expected = _all
            .Where(m => number is null || m.NearEnd.Number == number || m.FarEnd.Number == number)
            .Where(m => device is null || m.NearEnd.Device == device || m.FarEnd.Device == device)
            .Where(m => status is null || m.Status == status)
            .OrderByDescending(m => m.StartedAt)
            .Select(m => m.Id)
            .ToList();

        var first = await Query(new RecordingQuery(null, null, number, device, status, Page: 1, PageSize: 3));
        var second = await Query(new RecordingQuery(null, null, number, device, status, Page: 2, PageSize: 3));

        Assert.Equal(expected.Count, first.Total);
        Assert.Equal(expected.Take(3), first.Items.Select(m => m.Id));
        Assert.Equal(expected.Skip(3).Take(3), second.Items.Select(m => m.Id));
    }

    [Fact]
    public async Task TimeRangeIsFromInclusiveToExclusive()
    {
        var page = await Query(new RecordingQuery(Base.AddMinutes(10), Base.AddMinutes(20), null, null, null));

        Assert.Equal(10, page.Total);
        Assert.Equal(Ids(19, 10), page.Items.Select(m => m.Id));
    }

    [Fact]
    public async Task TimeRangeComparesInstantsAcrossOffsets()
    {
        var from = Base.AddMinutes(25).ToOffset(TimeSpan.FromHours(2));

        var page = await Query(new RecordingQuery(from, null, null, null, null));

        Assert.Equal(Ids(29, 25), page.Items.Select(m => m.Id));
    }

    [Fact]
    public async Task AddingTheSameIdAgainReplacesInsteadOfDuplicating()
    {
        await _catalog.AddAsync(_all[7], Ct);
        await _catalog.AddAsync(_all[7] with { Status = RecordingStatus.Interrupted }, Ct);

        var all = await Query(new RecordingQuery(null, null, null, null, null, PageSize: 100));
        Assert.Equal(30, all.Total);
        Assert.Equal(30, all.Items.Select(m => m.Id).Distinct().Count());
        var stored = await _catalog.GetAsync(_all[7].Id, Ct);
        Assert.Equal(RecordingStatus.Interrupted, stored!.Status);
        var interrupted = await Query(new RecordingQuery(null, null, null, null, RecordingStatus.Interrupted, PageSize: 100));
        Assert.Contains(_all[7].Id, interrupted.Items.Select(m => m.Id));
        var entry = Assert.Single(await _catalog.ListAddedAfterAsync(7, 1, Ct));
        Assert.Equal((_all[7].Id, 8L), (entry.Manifest.Id, entry.Sequence)); // the sequence is kept on replace
    }

    [Fact]
    public async Task GetReturnsTheManifestExactly()
    {
        var original = _all[12];

        var stored = await _catalog.GetAsync(original.Id, Ct);

        Assert.NotNull(stored);
        Assert.Equal(
            JsonSerializer.Serialize(original, RecordingJsonContext.Default.RecordingManifest),
            JsonSerializer.Serialize(stored, RecordingJsonContext.Default.RecordingManifest));
        Assert.Null(await _catalog.GetAsync("missing", Ct));
    }

    [Theory]
    [InlineData("wrong-source", new[] { "rec-03", "rec-01" })]
    [InlineData("near-end-wrong-source", new[] { "rec-01" })]
    [InlineData("no-ack", new[] { "rec-02" })]
    [InlineData("far-end-missing", new[] { "rec-20", "rec-10", "rec-01", "rec-00" })]
    [InlineData("missing", new[] { "rec-20", "rec-10", "rec-01", "rec-00" })]
    [InlineData("source", new string[0])]
    [InlineData("audio", new string[0])]
    public async Task AFlagFindsItselfAndEitherLegsFlagOfThatName(string flag, string[] expected)
    {
        // A no-audio reason is searched by its name whichever leg carries it; a part of a name finds nothing.
        await _catalog.AddAsync(_all[1] with { Flags = ["near-end-no-audio", "near-end-wrong-source", "far-end-missing"] }, Ct);
        await _catalog.AddAsync(_all[2] with { Flags = ["far-end-no-audio", "far-end-no-ack"] }, Ct);
        await _catalog.AddAsync(_all[3] with { Flags = ["far-end-wrong-source"] }, Ct);

        var page = await Query(new RecordingQuery(null, null, null, null, null, PageSize: 100) { Flag = flag });

        Assert.Equal(expected, page.Items.Select(m => m.Id));
        Assert.Equal(expected.Length, page.Total);
    }

    [Theory]
    [InlineData("3003", new[] { "rec-05" })] // the third stream's participant: in no number column
    [InlineData("ZOË", new[] { "rec-05" })] // a name, any case
    [InlineData("rec 100%", new[] { "rec-04" })] // % is a character, not a wildcard
    [InlineData("rec_1", new string[0])] // nor is _
    [InlineData("@SRC.EXAMPLE", new[] { "rec-05", "rec-04" })] // part of an AOR
    [InlineData("1001", new string[0])] // a CUCM call's number is not a participant
    public async Task AParticipantIsFoundByPartOfItsNumberNameOrAorInAnyCase(string participant, string[] expected)
    {
        SiprecRecordingInfo Session(params (string Number, string? Name)[] people) => new()
        {
            StreamMapping = SiprecStreamMap.ByOrder,
            Channels = people.Length,
            Participants = [.. people.Select((p, i) => new SiprecParticipantEntry
            {
                Id = "p" + i, Number = p.Number, Name = p.Name, Aor = $"sip:{p.Number}@src.example", Channel = i,
            })],
        };
        await _catalog.AddAsync(_all[4] with { Siprec = Session(("4001", "Rec 100% Desk"), ("4002", null)) }, Ct);
        await _catalog.AddAsync(_all[5] with { Siprec = Session(("3001", "Ana"), ("3002", null), ("3003", "Zoë Quinn")) }, Ct);

        var page = await Query(new RecordingQuery(null, null, null, null, null, PageSize: 100) { Participant = participant });

        Assert.Equal(expected, page.Items.Select(m => m.Id));
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task InvalidPagingIsRejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Query(new RecordingQuery(null, null, null, null, null, Page: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Query(new RecordingQuery(null, null, null, null, null, PageSize: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Query(new RecordingQuery(null, null, null, null, null, PageSize: RecordingQuery.MaxPageSize + 1)));
    }

    [Fact]
    public async Task AScopeShowsOnlyItsNumbersAndDevicesAndAnEmptyScopeNothing()
    {
        var scoped = await Query(new RecordingQuery(null, null, null, null, null, PageSize: 100) { Scope = new RecordingScope(["2004"], ["SEP-FAR-3"]) });
        var nothing = await Query(new RecordingQuery(null, null, null, null, null) { Scope = RecordingScope.Nothing });

        var expected = _all.Where(m => m.FarEnd.Number == "2004" || m.FarEnd.Device == "SEP-FAR-3").OrderByDescending(m => m.StartedAt).Select(m => m.Id);
        Assert.Equal(expected, scoped.Items.Select(m => m.Id));
        Assert.Equal((0, 0L), (nothing.Items.Count, nothing.Total));
    }

    [Fact]
    public async Task PreservedRecordingsArePagedByStartAndIdAndTheSequenceFollowsInsertion()
    {
        Assert.True(await _catalog.SetPreservedAsync("rec-03", true, Ct));
        Assert.False(await _catalog.SetPreservedAsync("missing", true, Ct));

        var first = await _catalog.ListStartedBeforeAsync(Base.AddMinutes(10), null, null, 4, Ct);
        var second = await _catalog.ListStartedBeforeAsync(Base.AddMinutes(10), first[^1].Manifest.StartedAt, first[^1].Manifest.Id, 4, Ct);
        var added = await _catalog.ListAddedAfterAsync(25, 10, Ct);

        Assert.Equal(Ids(3, 0).Reverse(), first.Select(e => e.Manifest.Id));
        Assert.Equal([false, false, false, true], first.Select(e => e.Preserved));
        Assert.Equal(Ids(7, 4).Reverse(), second.Select(e => e.Manifest.Id));
        Assert.Equal(Ids(29, 25).Reverse(), added.Select(e => e.Manifest.Id));
        Assert.Equal([26L, 27, 28, 29, 30], added.Select(e => e.Sequence));
    }

    [Fact]
    public async Task ATombstoneIsAddedOnceAndFoundByIdAndADeleteRemovesTheRowOnce()
    {
        await _catalog.AddTombstoneAsync("rec-05", Base, "deleted", Ct);
        await _catalog.AddTombstoneAsync("rec-05", Base.AddDays(1), "purged", Ct);

        Assert.Equal(1, await _catalog.CountTombstonesAsync(Ct));
        Assert.Equal(["rec-05"], await _catalog.GetTombstonedAsync(["rec-05", "rec-06", "missing"], Ct));
        Assert.Empty(await _catalog.GetTombstonedAsync([], Ct));
        Assert.True(await _catalog.DeleteAsync("rec-05", Ct));
        Assert.False(await _catalog.DeleteAsync("rec-05", Ct));
        Assert.Null(await _catalog.GetAsync("rec-05", Ct));
    }

    [Fact]
    public async Task MaintenanceSettingsRunsAndCheckpointsRoundTrip()
    {
        Assert.Null(await _catalog.GetMaintenanceSettingsAsync(Ct));
        var settings = new MaintenanceSettings(30, "/export", "{id}", TimeSpan.FromHours(24), TimeSpan.FromMinutes(15));
        await _catalog.SaveMaintenanceSettingsAsync(settings with { RetentionDays = 7 }, Ct);
        await _catalog.SaveMaintenanceSettingsAsync(settings, Ct);
        var older = new MaintenanceRun(MaintenanceJob.Export, "node-a", Base, Base.AddSeconds(3), MaintenanceResult.Succeeded, 5, 1, 0, null);
        var newer = new MaintenanceRun(MaintenanceJob.Export, "node-b", Base.AddHours(1), Base.AddHours(1).AddMilliseconds(250), MaintenanceResult.Failed, 0, 0, 2, "disk full");
        await _catalog.AddMaintenanceRunAsync(older, Ct);
        await _catalog.AddMaintenanceRunAsync(newer, Ct);
        await _catalog.AdvanceCheckpointAsync("export", 5, Ct);
        await _catalog.AdvanceCheckpointAsync("export", 3, Ct); // never back

        Assert.Equal(settings, await _catalog.GetMaintenanceSettingsAsync(Ct));
        Assert.Equal([newer, older], await _catalog.GetMaintenanceRunsAsync(MaintenanceJob.Export, 10, Ct));
        Assert.Empty(await _catalog.GetMaintenanceRunsAsync(MaintenanceJob.Purge, 10, Ct));
        Assert.Equal(5, await _catalog.GetCheckpointAsync("export", Ct));
        Assert.Equal(0, await _catalog.GetCheckpointAsync("other", Ct));
    }

    private static RecordingManifest Manifest(int i) => new()
    {
        Id = $"rec-{i:D2}",
        RefCi = $"ref-{i}",
        StartedAt = Base.AddMinutes(i),
        EndedAt = Base.AddMinutes(i).AddSeconds(42),
        DurationSeconds = 42,
        NearEnd = new RecordingParty { Number = i % 3 == 0 ? "1001" : "1002", Device = $"SEP-NEAR-{i % 2}", Samples = 42 * 8000 },
        FarEnd = new RecordingParty { Number = $"200{i % 5}", Device = $"SEP-FAR-{i % 4}" },
        Profile = "rec",
        Format = "wav",
        SizeBytes = 1000 + i,
        Sha256 = new string('a', 64),
        RecordedBy = i % 2 == 0 ? "node-a" : "node-b",
        Status = (i % 10) switch { 0 => RecordingStatus.Partial, 5 => RecordingStatus.Interrupted, _ => RecordingStatus.Complete },
        Flags = i % 10 == 0 ? ["far-end-missing"] : [],
    };

    private static IEnumerable<string> Ids(int from, int downTo) =>
        Enumerable.Range(downTo, from - downTo + 1).Reverse().Select(i => $"rec-{i:D2}");

    private Task<RecordingPage> Query(RecordingQuery query) => _catalog.QueryAsync(query, Ct);
}
