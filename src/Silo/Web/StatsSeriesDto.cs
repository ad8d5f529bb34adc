namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/stats/calls</c>: calls started per <paramref name="Bucket"/> (<c>hour</c> or <c>day</c>, UTC), every period of [From, To) listed.</summary>
internal sealed record StatsSeriesDto(string Bucket, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<StatsPointDto> Points);
