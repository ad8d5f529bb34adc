namespace OrleansRecorder.Abstractions.Storage;

/// <summary>One call's new bytes since the last batch, from the node recording it.</summary>
/// <param name="RecordingId">The call's recording id (the segment directory's name).</param>
/// <param name="SourceNode">The recording node's name.</param>
/// <param name="SourceSilo">
/// The recording silo's address, generation included (<c>SiloAddress.ToParsableString</c>): the copy is finalized when
/// Orleans declares exactly that incarnation dead, so a node restarted under the same name does not hide its death.
/// </param>
/// <param name="Chunks">The files' deltas, in order.</param>
[GenerateSerializer, Immutable, Alias("live-segment-batch")]
public sealed record LiveSegmentBatch(
    [property: Id(0)] string RecordingId,
    [property: Id(1)] string SourceNode,
    [property: Id(2)] string SourceSilo,
    [property: Id(3)] IReadOnlyList<LiveSegmentChunk> Chunks);
