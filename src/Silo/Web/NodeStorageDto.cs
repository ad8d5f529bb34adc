namespace OrleansRecorder.Silo.Web;

/// <summary>One node's disk: free bytes (null when unknown), days until full at the recording rate (null without a rate), replication backlog and lag to it.</summary>
internal sealed record NodeStorageDto(string Name, string Status, long? FreeBytes, double? DaysLeft, long ReplicationBacklog, ReplicationLagDto ReplicationLag);
