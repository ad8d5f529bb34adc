namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// Where a recording's copies are, as recorded when each copy landed (the catalog's <c>Replicas</c> table): what
/// <see cref="IRecordingReplicasGrain"/> persists through.
/// </summary>
public interface IReplicaRegistry
{
    /// <summary>The copy at <paramref name="location"/> (a node name, or <c>shared</c>) has <paramref name="sha256"/> since <paramref name="landedAt"/>; nothing for a recording the catalog no longer holds.</summary>
    Task RecordLandedAsync(string recordingId, string location, string sha256, DateTimeOffset landedAt, CancellationToken ct);

    /// <summary>The copy at <paramref name="location"/> is gone (deleted, purged, or lost to another copy).</summary>
    Task RecordRemovedAsync(string recordingId, string location, CancellationToken ct);
}
