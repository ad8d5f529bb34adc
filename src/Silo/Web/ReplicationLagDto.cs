namespace OrleansRecorder.Silo.Web;

/// <summary>
/// How far replication to a node or the shared store is behind, from the copies recorded as they landed: the oldest
/// recording of the last 6 h not there yet (its id, end, and how long ago that was), and the time from a recording's
/// end to its copy landing there over the last hour (median and longest; the recording node's own copy not counted).
/// </summary>
internal sealed record ReplicationLagDto(
    string? OldestMissingId, DateTimeOffset? OldestMissingEndedAt, double? OldestMissingSeconds, int Landings, double? MedianSeconds, double? MaxSeconds);
