using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Reports the copies of a recording that land, go or fail to its <see cref="IRecordingReplicasGrain"/>, which
/// records them in the catalog. Never throws: a copy that landed stays landed when its record does not (the database
/// is down, the grain's silo is gone); the next catch-up pass sees the copy and records it.
/// </summary>
/// <param name="grainOf">The grain of a recording id (<c>IGrainFactory.GetGrain</c>; a test gives its own).</param>
/// <param name="logger">Where a report that failed is logged.</param>
internal sealed class ReplicaLandings(Func<string, IRecordingReplicasGrain> grainOf, ILogger<ReplicaLandings> logger)
{
    /// <summary>How long a report may take: a store that published a copy must not hold its sender until the database answers.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public Task LandedAsync(string recordingId, string location, string sha256) =>
        ReportAsync(recordingId, location, "landed", g => g.LandedAsync(location, sha256));

    public Task RemovedAsync(string recordingId, string location) =>
        ReportAsync(recordingId, location, "removed", g => g.RemovedAsync(location));

    public Task FailedAsync(string recordingId, string location, string reason) =>
        ReportAsync(recordingId, location, "failed", g => g.FailedAsync(location, reason));

    private async Task ReportAsync(string recordingId, string location, string change, Func<IRecordingReplicasGrain, Task> report)
    {
        try
        {
            await report(grainOf(recordingId)).WaitAsync(Timeout);
        }
        catch (Exception ex)
        {
            StorageLog.ReplicaNotRecorded(logger, recordingId, location, change, ex);
        }
    }
}
