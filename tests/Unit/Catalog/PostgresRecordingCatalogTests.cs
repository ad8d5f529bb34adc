using System.Text.Json;
using Npgsql;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// The PostgreSQL catalog, with the same cases as <see cref="SqliteRecordingCatalogTests"/>. The class shares one
/// fresh database; each test empties the table and adds the same 30 recordings.
/// </summary>
public sealed class PostgresRecordingCatalogTests(PostgresCatalogDatabase database) : IClassFixture<PostgresCatalogDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Base = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly List<RecordingManifest> _all = [.. Enumerable.Range(0, 30).Select(Manifest)];
    private readonly PostgresRecordingCatalog _catalog = new(database.ConnectionString);

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _catalog.InitializeAsync(ct);
        await _catalog.InitializeAsync(ct); // idempotent
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var truncate = new NpgsqlCommand("TRUNCATE Recordings", connection);
            await truncate.ExecuteNonQueryAsync(ct);
        }

        foreach (var manifest in _all)
        {
            await _catalog.AddAsync(manifest, ct);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

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
        await _catalog.AddAsync(_all[7], TestContext.Current.CancellationToken);
        await _catalog.AddAsync(_all[7] with { Status = RecordingStatus.Interrupted }, TestContext.Current.CancellationToken);

        var all = await Query(new RecordingQuery(null, null, null, null, null, PageSize: 100));
        Assert.Equal(30, all.Total);
        Assert.Equal(30, all.Items.Select(m => m.Id).Distinct().Count());
        var stored = await _catalog.GetAsync(_all[7].Id, TestContext.Current.CancellationToken);
        Assert.Equal(RecordingStatus.Interrupted, stored!.Status);
        var interrupted = await Query(new RecordingQuery(null, null, null, null, RecordingStatus.Interrupted, PageSize: 100));
        Assert.Contains(_all[7].Id, interrupted.Items.Select(m => m.Id));
    }

    [Fact]
    public async Task GetReturnsTheManifestExactly()
    {
        var original = _all[12];

        var stored = await _catalog.GetAsync(original.Id, TestContext.Current.CancellationToken);

        Assert.NotNull(stored);
        Assert.Equal(
            JsonSerializer.Serialize(original, RecordingJsonContext.Default.RecordingManifest),
            JsonSerializer.Serialize(stored, RecordingJsonContext.Default.RecordingManifest));
        Assert.Null(await _catalog.GetAsync("missing", TestContext.Current.CancellationToken));
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
        var ct = TestContext.Current.CancellationToken;
        await _catalog.AddAsync(_all[1] with { Flags = ["near-end-no-audio", "near-end-wrong-source", "far-end-missing"] }, ct);
        await _catalog.AddAsync(_all[2] with { Flags = ["far-end-no-audio", "far-end-no-ack"] }, ct);
        await _catalog.AddAsync(_all[3] with { Flags = ["far-end-wrong-source"] }, ct);

        var page = await Query(new RecordingQuery(null, null, null, null, null, PageSize: 100) { Flag = flag });

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

    private Task<RecordingPage> Query(RecordingQuery query) => _catalog.QueryAsync(query, TestContext.Current.CancellationToken);
}
