using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>/api/stats/*</c>, the dashboard's aggregates: calls per hour or day, channels in use against the licence,
/// recordings with problems (each with the search's roles and scope: a user counts only the calls they may see), and
/// storage with replication (operations roles, as the cluster view). Bad ranges are problem-details 400s.
/// </summary>
internal static class StatsEndpoints
{
    /// <summary>The most periods one answer holds (a year of days, six weeks of hours).</summary>
    private const int MaxBuckets = 1000;

    private const int MaxProblems = 100;

    /// <summary>Recordings longer than this that started before a range are not counted in its channel use (the query stays indexed).</summary>
    private static readonly TimeSpan LongestCall = TimeSpan.FromDays(1);

    /// <summary>
    /// Replication lag: the oldest recording not yet on a node is looked for among those started this long ago or later
    /// (a probe per recording of the window: kept short; what is older shows in the backlog).
    /// </summary>
    private static readonly TimeSpan LagWindow = TimeSpan.FromHours(6);

    /// <summary>Replication lag: the median and longest time to land over the copies landed in this last period.</summary>
    private static readonly TimeSpan LagPeriod = TimeSpan.FromHours(1);

    /// <summary>The recording rate behind "days left": bytes recorded over this last period.</summary>
    private static readonly TimeSpan RatePeriod = TimeSpan.FromDays(7);

    public static RouteGroupBuilder MapStatsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/stats").WithTags("Stats");
        group.MapGet("/calls", CallsAsync).WithName("StatsCalls").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/channels", ChannelsAsync).WithName("StatsChannels").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/problems", ProblemsAsync).WithName("StatsProblems").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/storage", StorageAsync).WithName("StatsStorage").RequireAuthorization(RecorderPolicies.Operations);
        return api;
    }

    private static async Task<Results<Ok<StatsSeriesDto>, ValidationProblem>> CallsAsync(
        string? bucket, DateTimeOffset? from, DateTimeOffset? to, IRecordingCatalog catalog, RecordingAccess access, ClaimsPrincipal principal,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var size = bucket switch
        {
            null or "hour" => TimeSpan.FromHours(1),
            "day" => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (size == TimeSpan.Zero)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bucket"] = ["bucket must be hour or day."] }, title: "Invalid statistics request");
        }

        var range = Range(from, to, size, size * (bucket == "day" ? 30 : 24), time);
        if (range.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid statistics request");
        }

        var scope = await access.ScopeAsync(principal, cancellationToken);
        var counts = await catalog.Stats.CallsPerBucketAsync(range.From, range.To, (int)size.TotalSeconds, scope, cancellationToken);
        var byTime = counts.ToDictionary(c => c.At, c => c.Count);
        return TypedResults.Ok(new StatsSeriesDto(bucket ?? "hour", range.From, range.To,
            [.. Buckets(range.From, range.To, size).Select(at => new StatsPointDto(at, byTime.GetValueOrDefault(at)))]));
    }

    private static async Task<Results<Ok<ChannelStatsDto>, ValidationProblem>> ChannelsAsync(
        DateTimeOffset? from, DateTimeOffset? to, IRecordingCatalog catalog, RecordingAccess access, ClaimsPrincipal principal,
        ClusterView cluster, TimeProvider time, CancellationToken cancellationToken)
    {
        var hour = TimeSpan.FromHours(1);
        var range = Range(from, to, hour, TimeSpan.FromHours(24), time);
        if (range.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid statistics request");
        }

        var scope = await access.ScopeAsync(principal, cancellationToken);
        var intervals = await catalog.Stats.IntervalsAsync(range.From, range.To, LongestCall, scope, cancellationToken);
        var nodes = await cluster.GetNodesAsync(cancellationToken);
        var up = nodes.Where(n => n.Status is not ("down" or "unreachable")).ToList();
        return TypedResults.Ok(new ChannelStatsDto(range.From, range.To,
            up.Sum(n => Math.Max(0, n.LicensedChannels)), up.Sum(n => n.ActiveCalls),
            [.. ChannelUse.PeakPerBucket(intervals, range.From, range.To, hour).Select(p => new StatsPointDto(p.At, p.Count))]));
    }

    private static async Task<Results<Ok<ProblemStatsDto>, ValidationProblem>> ProblemsAsync(
        DateTimeOffset? from, DateTimeOffset? to, int? limit, IRecordingCatalog catalog, RecordingAccess access, ClaimsPrincipal principal,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var day = TimeSpan.FromDays(1);
        var range = Range(from, to, TimeSpan.FromHours(1), day * 7, time);
        var errors = range.Errors ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 0 or > MaxProblems)
        {
            errors["limit"] = [$"limit must be between 0 and {MaxProblems}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid statistics request");
        }

        var scope = await access.ScopeAsync(principal, cancellationToken);
        var summary = await catalog.Stats.ProblemsAsync(range.From, range.To, limit ?? 20, scope, cancellationToken);
        return TypedResults.Ok(new ProblemStatsDto(range.From, range.To, summary.Counts,
            [.. summary.Newest.Select(p => new ProblemRecordingDto(p.Id, p.StartedAt, p.NearNumber, p.FarNumber, p.Problems))]));
    }

    private static async Task<Ok<StorageStatsDto>> StorageAsync(
        IRecordingCatalog catalog, ClusterView cluster, ISharedBlobStore shared, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var totals = await catalog.Stats.StorageAsync(now - RatePeriod, cancellationToken);
        var perDay = totals.BytesSince / RatePeriod.TotalDays;
        double? DaysLeft(long free) => free < 0 || perDay <= 0 ? null : Math.Round(free / perDay, 1);
        var nodes = await cluster.GetNodesAsync(cancellationToken);
        var locations = nodes.Select(n => n.Name).Concat(shared.IsEnabled ? [CatalogReplicas.Shared] : []).Distinct(StringComparer.Ordinal).ToList();
        var lags = (await catalog.Replicas.LagAsync(locations, now - LagWindow, now - LagPeriod, now, cancellationToken))
            .ToDictionary(l => l.Location, l => Lag(l, now), StringComparer.Ordinal);
        return TypedResults.Ok(new StorageStatsDto(totals.Recordings, totals.TotalBytes, Math.Round(perDay),
            [.. nodes.Select(n => new NodeStorageDto(n.Name, n.Status, n.FreeBytes < 0 ? null : n.FreeBytes, DaysLeft(n.FreeBytes), n.ReplicationBacklog, lags[n.Name]))],
            new SharedStoreStatsDto(shared.IsEnabled, shared.IsEnabled ? totals.TotalBytes : null, shared.IsEnabled ? lags[CatalogReplicas.Shared] : null)));
    }

    private static ReplicationLagDto Lag(ReplicaLag lag, DateTimeOffset now) => new(
        lag.OldestMissingId,
        lag.OldestMissingEndedAt,
        lag.OldestMissingEndedAt is { } ended ? Math.Round(Math.Max(0, (now - ended).TotalSeconds), 1) : null,
        lag.Landings,
        lag.Median is { } median ? Math.Round(median.TotalSeconds, 3) : null,
        lag.Max is { } max ? Math.Round(max.TotalSeconds, 3) : null);

    /// <summary>
    /// [from, to) widened to whole periods: by default the last <paramref name="defaultLength"/> up to the end of the
    /// current period; errors when reversed or longer than <see cref="MaxBuckets"/> periods.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To, Dictionary<string, string[]>? Errors) Range(
        DateTimeOffset? from, DateTimeOffset? to, TimeSpan bucket, TimeSpan defaultLength, TimeProvider time)
    {
        var end = Ceiling(to ?? time.GetUtcNow(), bucket);
        var start = Floor(from ?? end - defaultLength, bucket);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["from must not be after to."];
        }
        else if ((end - start) / bucket > MaxBuckets)
        {
            errors["to"] = [$"The range holds more than {MaxBuckets} periods of {bucket.TotalHours} h."];
        }

        return (start, end, errors.Count > 0 ? errors : null);
    }

    private static IEnumerable<DateTimeOffset> Buckets(DateTimeOffset from, DateTimeOffset to, TimeSpan size)
    {
        for (var at = from; at < to; at += size)
        {
            yield return at;
        }
    }

    private static DateTimeOffset Floor(DateTimeOffset t, TimeSpan bucket) =>
        DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds() / (long)bucket.TotalMilliseconds * (long)bucket.TotalMilliseconds);

    private static DateTimeOffset Ceiling(DateTimeOffset t, TimeSpan bucket)
    {
        var floor = Floor(t, bucket);
        return floor == t ? t : floor + bucket;
    }
}
