using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>Records what was queued for replication.</summary>
internal sealed class ReplicationQueueSpy : IReplicationQueue
{
    public List<string> Queued { get; } = [];

    public long Backlog => Queued.Count;

    public bool Enqueue(string recordingId)
    {
        Queued.Add(recordingId);
        return true;
    }
}
