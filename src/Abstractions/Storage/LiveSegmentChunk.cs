namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// Bytes of one file of a call in progress (a leg's segment or <c>session.json</c>), copied to a peer as it is written.
/// The bytes are opaque: whatever the recording node has on disk (plain or encrypted segments).
/// </summary>
/// <param name="FileName">The file's name inside the call's segment directory (no path).</param>
/// <param name="Offset">Where <paramref name="Bytes"/> go in the file: the length the receiver acknowledged so far.</param>
/// <param name="Replace">True: the file is rewritten whole (<c>session.json</c>), or the receiver's copy is reset.</param>
/// <param name="LastWriteUtc">The source file's last write time: recovery takes it as the end of an interrupted call.</param>
/// <param name="Bytes">At most <see cref="INodeLocalStore.MaxChunkBytes"/>.</param>
[GenerateSerializer, Immutable, Alias("live-segment-chunk")]
public sealed record LiveSegmentChunk(
    [property: Id(0)] string FileName,
    [property: Id(1)] long Offset,
    [property: Id(2)] bool Replace,
    [property: Id(3)] DateTimeOffset LastWriteUtc,
    [property: Id(4)] byte[] Bytes);
