namespace OrleansRecorder.Abstractions.Calls;

/// <summary>What the call grain knows about its current recording.</summary>
[GenerateSerializer, Immutable, Alias("call-snapshot")]
public sealed record CallSnapshot(
    [property: Id(0)] string RecordingId,
    [property: Id(1)] CucmMetadata Metadata,
    [property: Id(2)] string Node,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] bool HasNearEnd,
    [property: Id(5)] bool HasFarEnd,
    [property: Id(6)] bool Closed);
