namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// A node's copies of the segments of other nodes' calls in progress (issue #15, in-call replication); keyed by the
/// node's name and pinned to it (<c>[SiloNamePlacement]</c>). The recording node appends what its segments gained
/// about every second; when Orleans declares it dead, this node finalizes the copies as <c>interrupted</c> recordings.
/// </summary>
[Alias("live-copy")]
public interface ILiveCopyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies each chunk: one whose offset is the receiver's length is appended; a <see cref="LiveSegmentChunk.Replace"/>
    /// one rewrites the file; any other is not applied. Returns, per chunk, the file's length afterwards, so a sender
    /// that is out of step (this node restarted, a batch was lost) resumes from there.
    /// </summary>
    [Alias("append")]
    Task<IReadOnlyList<long>> AppendAsync(LiveSegmentBatch batch);

    /// <summary>The call was finalized (or discarded) by its node: its copy is no longer needed.</summary>
    [Alias("drop")]
    Task<bool> DropAsync(string recordingId);
}
