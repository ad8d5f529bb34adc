namespace OrleansRecorder.Silo.Storage;

/// <summary>What the call path and the node status see of replication.</summary>
internal interface IReplicationQueue
{
    /// <summary>Queues a finalized recording (already in the catalog) for live replication; never waits. False when full (catch-up copies it later).</summary>
    bool Enqueue(string recordingId);

    /// <summary>Recordings waiting for a copy from this node: queued or retrying live, plus catch-up work found and not yet done.</summary>
    long Backlog { get; }
}
