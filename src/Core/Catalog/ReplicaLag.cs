namespace OrleansRecorder.Silo.Catalog;

/// <summary>How far replication to one location (a node, or <c>shared</c>) is behind.</summary>
/// <param name="Location">The node name, or <c>shared</c>.</param>
/// <param name="OldestMissingId">The oldest recording of the window that has no copy there yet, or null.</param>
/// <param name="OldestMissingEndedAt">When that recording ended.</param>
/// <param name="Landings">Copies that landed there in the lag window (the recording node's own copy not counted).</param>
/// <param name="Median">Median time from a recording's end to its copy landing there, over those landings (the upper of the two middle ones for an even count).</param>
/// <param name="Max">Longest such time.</param>
internal sealed record ReplicaLag(
    string Location, string? OldestMissingId, DateTimeOffset? OldestMissingEndedAt, int Landings, TimeSpan? Median, TimeSpan? Max);
