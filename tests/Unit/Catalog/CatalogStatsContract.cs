using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// The dashboard's aggregates (<see cref="CatalogStats"/>), run against SQLite (<c>SqliteCatalogStatsTests</c>)
/// and PostgreSQL (<c>PostgresCatalogStatsTests</c>), each test on a fresh database holding the same calls:
/// in the 09:00 hour a call held once (two recordings, one group) and two single ones, one at 11:30, one the next day.
/// </summary>
public abstract class CatalogStatsContract : CatalogContract
{
    private static readonly DateTimeOffset Nine = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);

    private IRecordingCatalog Catalog { get; set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Catalog = Database.Catalog(groups: new RecordingGroupRules(TimeSpan.FromHours(1)));
        await Catalog.InitializeAsync(Ct);
        await AddAsync("held-1", "5001", "1001", Nine.AddMinutes(1), Nine.AddMinutes(5), size: 100);
        await AddAsync("held-2", "5001", "1001", Nine.AddMinutes(7), Nine.AddMinutes(9), size: 200, flags: ["near-end-media-timeout"]);
        await AddAsync("single", "5002", "1002", Nine.AddMinutes(4), Nine.AddMinutes(30), size: 300, flags: ["far-end-no-audio", "far-end-no-media"]);
        await AddAsync("late", "5003", "1001", Nine.AddMinutes(8), Nine.AddMinutes(12), size: 400, flags: ["far-end-missing"]);
        await AddAsync("noon", "5004", "1002", Nine.AddMinutes(150), Nine.AddMinutes(160), size: 500, flags: ["near-end-media-timeout", "near-end-no-audio"]);
        await AddAsync("tomorrow", "5005", "1001", Nine.AddDays(1), Nine.AddDays(1).AddMinutes(3), size: 600);
    }

    [Fact]
    public async Task CallsPerHourCountEachCallOnceInTheHourItStarted()
    {
        var counts = await Catalog.Stats.CallsPerBucketAsync(Nine, Nine.AddHours(4), 3600, null, Ct);

        // held-1 and held-2 are one call; single and late are two more; noon is at 11:30.
        Assert.Equal([new StatsCount(Nine, 3), new StatsCount(Nine.AddHours(2), 1)], counts);
    }

    [Fact]
    public async Task CallsPerDayAreUtcDaysAndTheRangeEndIsExclusive()
    {
        var day = new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([new StatsCount(day, 4), new StatsCount(day.AddDays(1), 1)],
            await Catalog.Stats.CallsPerBucketAsync(day, day.AddDays(2), 86_400, null, Ct));
        Assert.Equal([new StatsCount(day, 4)], await Catalog.Stats.CallsPerBucketAsync(day, Nine.AddDays(1), 86_400, null, Ct));
    }

    [Fact]
    public async Task AScopedCallerCountsOnlyTheCallsItMaySee()
    {
        var scope = new RecordingScope(["1002"], []);

        Assert.Equal([new StatsCount(Nine, 1), new StatsCount(Nine.AddHours(2), 1)],
            await Catalog.Stats.CallsPerBucketAsync(Nine, Nine.AddHours(4), 3600, scope, Ct));
        var problems = await Catalog.Stats.ProblemsAsync(Nine, Nine.AddDays(2), 10, scope, Ct);
        Assert.Equal(["noon", "single"], problems.Newest.Select(p => p.Id));
        Assert.Empty(await Catalog.Stats.CallsPerBucketAsync(Nine, Nine.AddHours(4), 3600, RecordingScope.Nothing, Ct));
    }

    [Fact]
    public async Task ChannelUseIsThePeakOfRecordingsRunningAtOnce()
    {
        var intervals = await Catalog.Stats.IntervalsAsync(Nine.AddMinutes(5), Nine.AddHours(3), TimeSpan.FromDays(1), null, Ct);

        // held-1 ended at 09:05 (the range starts there: not overlapping); the next day's is after the range.
        Assert.Equal(["held-2", "late", "noon", "single"], await IdsOfAsync(intervals));
        var peaks = ChannelUse.PeakPerBucket(intervals, Nine, Nine.AddHours(3), TimeSpan.FromHours(1));
        // 09:08-09:09: single, held-2 and late at once.
        Assert.Equal([3L, 0L, 1L], peaks.Select(p => p.Count));
    }

    [Fact]
    public async Task ProblemsAreCountedByKindAndListedNewestFirst()
    {
        var problems = await Catalog.Stats.ProblemsAsync(Nine, Nine.AddDays(2), 2, null, Ct);

        Assert.Equal(0, problems.Counts[RecordingProblems.Gaps]);
        Assert.Equal(2, problems.Counts[RecordingProblems.MediaTimeout]);
        Assert.Equal(2, problems.Counts[RecordingProblems.NoMedia]);
        Assert.Equal(["noon", "held-2"], problems.Newest.Select(p => p.Id));
        Assert.Equal([RecordingProblems.MediaTimeout, RecordingProblems.NoMedia], problems.Newest[0].Problems);
        Assert.Equal("1002", problems.Newest[0].NearNumber);
        Assert.Equal(Nine.AddMinutes(150), problems.Newest[0].StartedAt);

        // A recording added again without its problem leaves the list (the column follows the manifest).
        await AddAsync("noon", "5004", "1002", Nine.AddMinutes(150), Nine.AddMinutes(160), size: 500);
        Assert.Equal(["held-2", "single"], (await Catalog.Stats.ProblemsAsync(Nine, Nine.AddDays(2), 5, null, Ct)).Newest.Select(p => p.Id));
    }

    [Fact]
    public async Task StorageTotalsEveryRecordingAndTheBytesSinceATime()
    {
        var totals = await Catalog.Stats.StorageAsync(Nine.AddHours(2), Ct);

        Assert.Equal(new StorageTotals(6, 2100, 1100), totals);
    }

    [Fact]
    public async Task TheDayTotalsFollowEveryAddReplacementAdoptionAndDelete()
    {
        var day = new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

        // An earlier part of late's call (same refci and parties, within the group window): late's group is adopted, so
        // the call still counts once, now at this part.
        await AddAsync("late-0", "5003", "1001", Nine.AddMinutes(2), Nine.AddMinutes(6), size: 50);
        // Added again, longer and larger (another node's copy won): the bytes follow.
        await AddAsync("tomorrow", "5005", "1001", Nine.AddDays(1), Nine.AddDays(1).AddMinutes(4), size: 650);
        Assert.True(await Catalog.DeleteAsync("single", Ct));

        Assert.Equal([new StatsCount(day, 3), new StatsCount(day.AddDays(1), 1)],
            await Catalog.Stats.CallsPerBucketAsync(day, day.AddDays(2), 86_400, null, Ct));
        Assert.Equal(new StorageTotals(6, 100 + 200 + 400 + 500 + 650 + 50, 1150), await Catalog.Stats.StorageAsync(Nine.AddHours(2), Ct));
        await AssertDaysMatchTheRecordingsAsync(day, 2);

        // Every recording gone: the totals are zero, and a day without calls is not a bar.
        foreach (var id in new[] { "held-1", "held-2", "late", "late-0", "noon", "tomorrow" })
        {
            Assert.True(await Catalog.DeleteAsync(id, Ct));
        }

        Assert.Empty(await Catalog.Stats.CallsPerBucketAsync(day, day.AddDays(2), 86_400, null, Ct));
        Assert.Equal(new StorageTotals(0, 0, 0), await Catalog.Stats.StorageAsync(Nine, Ct));
    }

    /// <summary>The per-day counts from the totals equal the per-hour counts from the index, summed over each day.</summary>
    private async Task AssertDaysMatchTheRecordingsAsync(DateTimeOffset from, int days)
    {
        var daily = await Catalog.Stats.CallsPerBucketAsync(from, from.AddDays(days), 86_400, null, Ct);
        var hourly = await Catalog.Stats.CallsPerBucketAsync(from, from.AddDays(days), 3600, null, Ct);
        var summed = hourly.GroupBy(c => new DateTimeOffset(c.At.UtcDateTime.Date, TimeSpan.Zero)).Select(g => new StatsCount(g.Key, g.Sum(c => c.Count)));
        Assert.Equal(summed, daily);
    }

    private async Task<IReadOnlyList<string>> IdsOfAsync(IReadOnlyList<RecordingInterval> intervals)
    {
        var ids = new List<string>();
        foreach (var id in new[] { "held-1", "held-2", "single", "late", "noon", "tomorrow" })
        {
            var m = await Catalog.GetAsync(id, Ct);
            if (intervals.Contains(new RecordingInterval(m!.StartedAt, m.EndedAt)))
            {
                ids.Add(id);
            }
        }

        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private Task AddAsync(string id, string refci, string near, DateTimeOffset start, DateTimeOffset end, long size, IReadOnlyList<string>? flags = null) =>
        Catalog.AddAsync(new RecordingManifest
        {
            Id = id,
            RefCi = refci,
            StartedAt = start,
            EndedAt = end,
            DurationSeconds = (end - start).TotalSeconds,
            NearEnd = new RecordingParty { Number = near, Device = "SEP-NEAR" },
            FarEnd = new RecordingParty { Number = "2001", Device = "SEP-FAR" },
            Format = "wav",
            SizeBytes = size,
            Sha256 = new string('a', 64),
            RecordedBy = "node-a",
            Status = RecordingStatus.Complete,
            Flags = flags ?? [],
            Cucm = new CucmMetadata { RefCi = refci, NearEndClusterId = "ClusterA", NearEndAddress = near },
        }, Ct);
}
