namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// One recording's replication, keyed by recording id: every copy that lands or goes is reported here and recorded
/// in the catalog at once (<see cref="IReplicaRegistry"/>), so the API lists a copy as soon as it exists; copies that
/// failed are counted per target until one lands there.
/// </summary>
/// <remarks>
/// Calls for one recording take turns (a grain is single-threaded), so a landing and a removal at the same location
/// are recorded in the order they were reported. The catch-up pass mends in bulk what was never reported (a node
/// that died between publishing a copy and reporting it, a database that did not answer).
/// </remarks>
[Alias("recording-replicas")]
public interface IRecordingReplicasGrain : IGrainWithStringKey
{
    /// <summary>A copy with <paramref name="sha256"/> landed at <paramref name="location"/> (a node name, or <c>shared</c>).</summary>
    [Alias("landed")]
    Task LandedAsync(string location, string sha256);

    /// <summary>The copy at <paramref name="location"/> was deleted.</summary>
    [Alias("removed")]
    Task RemovedAsync(string location);

    /// <summary>A copy to <paramref name="location"/> failed (it is retried by the sender or the next catch-up pass).</summary>
    [Alias("failed")]
    Task FailedAsync(string location, string reason);

    /// <summary>What this activation has seen: the copies and the failures since the last landing per target.</summary>
    [Alias("get")]
    Task<RecordingReplication> GetAsync();
}
