namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// A node's local store as the rest of the cluster sees it: one per node, keyed by silo name and pinned to that silo
/// (<c>[SiloNamePlacement]</c>). Receives replicas in chunks of at most 64 KiB, serves chunks of its copies to nodes
/// that lack them, and reports its inventory.
/// </summary>
/// <remarks>
/// Transfer protocol: <see cref="BeginAsync"/>, then <see cref="WriteChunkAsync"/> with consecutive offsets from 0,
/// then <see cref="CompleteAsync"/>. Any <see cref="ReplicaTransferException"/> means: start again.
/// </remarks>
[Alias("node-store")]
public interface INodeStoreGrain : IGrainWithStringKey
{
    [Alias("begin")]
    Task<ReplicaBegin> BeginAsync(ReplicaDescriptor replica);

    [Alias("write-chunk")]
    Task WriteChunkAsync(string id, long offset, byte[] chunk);

    [Alias("complete")]
    Task<ReplicaCompletion> CompleteAsync(string id);

    [Alias("abort")]
    Task AbortAsync(string id);

    /// <summary>Whether this node holds the recording with this hash (manifest and audio).</summary>
    [Alias("has")]
    Task<bool> HasAsync(ReplicaKey key, string sha256);

    /// <summary>Up to <paramref name="length"/> (≤ 64 KiB) bytes of the audio from <paramref name="offset"/>; empty at the end.</summary>
    [Alias("read-chunk")]
    Task<byte[]> ReadChunkAsync(ReplicaKey key, long offset, int length);

    /// <summary>The inventory: every complete replica on this node.</summary>
    [Alias("list")]
    Task<IReadOnlyList<ReplicaInfo>> ListAsync();

    /// <summary>Deletes this node's replica of a recording (delete or purge); true when it had one.</summary>
    [Alias("delete")]
    Task<bool> DeleteAsync(ReplicaKey key);
}
