namespace OrleansRecorder.Abstractions.Storage;

/// <summary>One complete replica in a store's inventory (its manifest is present).</summary>
[GenerateSerializer, Immutable, Alias("replica-info")]
public sealed record ReplicaInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Sha256,
    [property: Id(2)] long SizeBytes,
    [property: Id(3)] ReplicaKey? Key = null);
