namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>GET /api/stats/storage</c>: the catalog's recordings and bytes, the bytes recorded per day (mean of the last 7
/// days), each node's free disk, days left at that rate and replication backlog, and the shared store.
/// </summary>
internal sealed record StorageStatsDto(long Recordings, long TotalBytes, double BytesPerDay, IReadOnlyList<NodeStorageDto> Nodes, SharedStoreStatsDto SharedStore);
