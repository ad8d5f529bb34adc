namespace OrleansRecorder.Silo.Web;

/// <summary>One period of a chart: its start (UTC) and its value.</summary>
internal sealed record StatsPointDto(DateTimeOffset At, long Value);
