namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>GET /api/stats/channels</c>: the most recordings running at once in each hour of [From, To), the channels the
/// nodes that are up are licensed for, and the calls they record now.
/// </summary>
internal sealed record ChannelStatsDto(DateTimeOffset From, DateTimeOffset To, int LicensedChannels, int InUseNow, IReadOnlyList<StatsPointDto> PeakPerHour);
