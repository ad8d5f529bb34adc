namespace OrleansRecorder.Silo.Web;

/// <summary>The shared store: whether one is configured and the bytes it holds (every catalogued recording is copied there); no capacity limit.</summary>
internal sealed record SharedStoreStatsDto(bool Enabled, long? UsedBytes);
