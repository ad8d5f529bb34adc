using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>Failed-authentication rows aggregated per source and minute on a fake clock, and every audit field cut.</summary>
public sealed class AuthFailureAuditTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
    private SqliteSecurityStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), Pooling = false }.ToString();
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, connectionString).InitializeAsync(Ct);
        _store = new SqliteSecurityStore(connectionString);
    }

    [Fact]
    public async Task FailuresWithinAMinuteMakeOneImmediateRowAndOneRowWithTheCountOfTheRest()
    {
        await using var audit = NewAudit();
        const int n = 50;
        for (var i = 0; i < n; i++)
        {
            await audit.RecordAsync(AuditActions.SignInFailed, "10.0.0.1", i % 2 == 0 ? "alice" : "nobody", i % 2 == 0 ? "wrong password" : "unknown user");
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var first = Assert.Single(await RowsAsync());
        Assert.Equal(("alice", "10.0.0.1", "wrong password"), (first.User, first.Source, first.Details));

        _time.Advance(AuthFailureAudit.Interval);
        await audit.FlushAsync();
        var rows = await RowsAsync();
        Assert.Equal(2, rows.Count);
        var summary = rows[0];
        Assert.Equal(AuditActions.SignInFailed, summary.Action);
        Assert.Equal("10.0.0.1", summary.Source);
        Assert.StartsWith($"count={n - 1} since 10:00:00Z: ", summary.Details, StringComparison.Ordinal);
        Assert.Contains("unknown user ×25", summary.Details, StringComparison.Ordinal);
        Assert.Contains("wrong password ×24", summary.Details, StringComparison.Ordinal);
        Assert.Contains("accounts: nobody, alice", summary.Details, StringComparison.Ordinal);

        // Quiet for an interval: the next failure is written at once again.
        _time.Advance(AuthFailureAudit.Interval);
        await audit.FlushAsync();
        await audit.RecordAsync(AuditActions.SignInFailed, "10.0.0.1", "alice", "wrong password");
        Assert.Equal(3, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task ASustainedAttackCostsOneRowAMinuteAndLosesNoCount()
    {
        await using var audit = NewAudit();
        var total = 0;
        for (var second = 0; second < 600; second++)
        {
            for (var i = 0; i < 10; i++, total++)
            {
                await audit.RecordAsync(AuditActions.ApiKeyRejected, "10.0.0.1", null, "unknown API key");
            }

            _time.Advance(TimeSpan.FromSeconds(1));
            await audit.FlushAsync();
        }

        await audit.FlushAsync(all: true);
        var rows = await RowsAsync();
        Assert.InRange(rows.Count, 10, 12); // 6,000 failures in 10 minutes
        Assert.Equal(total, rows.Sum(Count));
    }

    [Fact]
    public async Task SourcesAndActionsAreCountedApartAndBounded()
    {
        await using var audit = NewAudit(capacity: 3);
        foreach (var source in new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5" })
        {
            await audit.RecordAsync(AuditActions.SignInFailed, source, "alice", "wrong password");
            await audit.RecordAsync(AuditActions.SignInFailed, source, "alice", "wrong password");
        }

        var rows = await RowsAsync();
        Assert.Equal([AuthFailureAudit.OverflowSource, "10.0.0.1", "10.0.0.2", "10.0.0.3"], rows.Select(r => r.Source).Order(StringComparer.Ordinal));
        await audit.FlushAsync(all: true);
        rows = await RowsAsync();
        Assert.Equal(10, rows.Sum(Count));
    }

    [Fact]
    public async Task TheTimerWritesTheSummaryAndDisposeWritesWhatIsLeft()
    {
        var audit = NewAudit();
        for (var i = 0; i < 3; i++)
        {
            await audit.RecordAsync(AuditActions.SignInFailed, "10.0.0.1", "alice", "wrong password");
        }

        _time.Advance(AuthFailureAudit.Interval + TimeSpan.FromSeconds(15)); // the timer ticks and flushes
        for (var wait = 0; wait < 100 && (await RowsAsync()).Count < 2; wait++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.StartsWith("count=2 ", (await RowsAsync())[0].Details, StringComparison.Ordinal);
        await audit.RecordAsync(AuditActions.SignInFailed, "10.0.0.1", "alice", "wrong password");
        await audit.DisposeAsync();
        Assert.StartsWith("count=1 ", (await RowsAsync())[0].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryFieldIsCutWhereRowsAreWritten()
    {
        var huge = new string('x', 1 << 20);
        await _store.AppendAuditAsync(new AuditEntry(0, _time.GetUtcNow(), huge, huge, huge, huge, huge), Ct);
        var row = Assert.Single(await RowsAsync());
        Assert.Equal(AuditLimits.User, row.User!.Length);
        Assert.Equal(AuditLimits.Source, row.Source!.Length);
        Assert.Equal(AuditLimits.Action, row.Action.Length);
        Assert.Equal(AuditLimits.Target, row.Target!.Length);
        Assert.Equal(AuditLimits.Details, row.Details!.Length);
        Assert.EndsWith("x…", row.User, StringComparison.Ordinal);

        await using var audit = NewAudit();
        await audit.RecordAsync(AuditActions.SignInFailed, "10.0.0.7", huge, "unknown user");
        var failed = (await RowsAsync())[0];
        Assert.True(failed.User!.Length <= AuditLimits.User);
        Assert.True(failed.Target!.Length <= AuditLimits.Target);
    }

    [Theory]
    [InlineData(null, 5, null)]
    [InlineData("short", 5, "short")]
    [InlineData("longer", 5, "long…")]
    [InlineData("ab\U0001F600cd", 4, "ab…")] // never half a surrogate pair
    public void TruncateCutsWithAnEllipsis(string? value, int max, string? expected) => Assert.Equal(expected, AuditLimits.Truncate(value, max));

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private AuthFailureAudit NewAudit(int capacity = AuthFailureAudit.DefaultCapacity) =>
        new(_store, _time, NullLogger<AuthFailureAudit>.Instance, capacity);

    private async Task<List<AuditEntry>> RowsAsync() =>
        [.. (await _store.QueryAuditAsync(new AuditQuery(null, null, null, null, 1, 1000), Ct)).Items];

    /// <summary>The number of failures a row stands for: 1, or its <c>count=</c>.</summary>
    private static int Count(AuditEntry row) =>
        row.Details is { } d && d.StartsWith("count=", StringComparison.Ordinal) ? int.Parse(d["count=".Length..d.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) : 1;
}
