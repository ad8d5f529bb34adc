namespace OrleansRecorder.Silo.Catalog;

/// <summary>A count over the period that starts at <paramref name="At"/> (UTC).</summary>
internal sealed record StatsCount(DateTimeOffset At, long Count);
