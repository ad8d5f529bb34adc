namespace OrleansRecorder.Abstractions.Storage;

/// <summary>A recording to store as a replica: where it goes, what the audio must hash to, and the manifest file's bytes.</summary>
/// <param name="Key">The recording's names.</param>
/// <param name="SizeBytes">Length of the audio file.</param>
/// <param name="Sha256">SHA-256 of the audio file, lower-case hex (the manifest's <c>sha256</c>).</param>
/// <param name="Manifest">The <c>{id}.json</c> manifest exactly as it is written beside the audio.</param>
[GenerateSerializer, Immutable, Alias("replica-descriptor")]
public sealed record ReplicaDescriptor(
    [property: Id(0)] ReplicaKey Key,
    [property: Id(1)] long SizeBytes,
    [property: Id(2)] string Sha256,
    [property: Id(3)] byte[] Manifest);
