namespace OrleansRecorder.Silo.Web;

/// <summary>The shared store: whether one is configured, the bytes it holds (every catalogued recording is copied there; no capacity limit) and the replication lag to it (null when not configured).</summary>
internal sealed record SharedStoreStatsDto(bool Enabled, long? UsedBytes, ReplicationLagDto? ReplicationLag);
