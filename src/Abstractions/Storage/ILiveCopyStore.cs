namespace OrleansRecorder.Abstractions.Storage;

/// <summary>A node's copies of other nodes' calls in progress (see <see cref="ILiveCopyGrain"/>).</summary>
public interface ILiveCopyStore
{
    /// <summary>Applies a batch; returns, per chunk, the length of that file after it (see <see cref="ILiveCopyGrain.AppendAsync"/>).</summary>
    Task<IReadOnlyList<long>> AppendAsync(LiveSegmentBatch batch, CancellationToken cancellationToken);

    /// <summary>Deletes the copy of a call that its node finalized (or discarded); true when there was one.</summary>
    bool Drop(string recordingId);
}
