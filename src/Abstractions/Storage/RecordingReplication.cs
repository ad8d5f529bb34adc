namespace OrleansRecorder.Abstractions.Storage;

/// <summary>A recording's replication as its <see cref="IRecordingReplicasGrain"/> saw it.</summary>
/// <param name="Copies">Location (node name or <c>shared</c>) → SHA-256 of the copy that landed there.</param>
/// <param name="Failures">Location → copies to it that failed since the last one that landed there.</param>
/// <param name="LastError">The reason of the last failure, or null.</param>
[GenerateSerializer, Immutable, Alias("recording-replication")]
public sealed record RecordingReplication(
    [property: Id(0)] IReadOnlyDictionary<string, string> Copies,
    [property: Id(1)] IReadOnlyDictionary<string, int> Failures,
    [property: Id(2)] string? LastError);
