using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Grains.Storage;

/// <summary>
/// This node's local store for the rest of the cluster; pinned to the silo named by its key. Stateless: the store
/// (<see cref="INodeLocalStore"/>, a silo singleton) holds the transfers in progress and the files.
/// </summary>
[SiloNamePlacement]
internal sealed class NodeStoreGrain(INodeLocalStore store) : Grain, INodeStoreGrain
{
    public Task<ReplicaBegin> BeginAsync(ReplicaDescriptor replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return store.BeginAsync(replica, CancellationToken.None);
    }

    public Task WriteChunkAsync(string id, long offset, byte[] chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return store.WriteChunkAsync(id, offset, chunk, CancellationToken.None);
    }

    public Task<ReplicaCompletion> CompleteAsync(string id) => store.CompleteAsync(id, CancellationToken.None);

    public Task AbortAsync(string id)
    {
        store.Abort(id);
        return Task.CompletedTask;
    }

    public Task<bool> HasAsync(ReplicaKey key, string sha256) => store.HasAsync(key, sha256, CancellationToken.None);

    public async Task<byte[]> ReadChunkAsync(ReplicaKey key, long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, INodeLocalStore.MaxChunkBytes);
        var buffer = new byte[length];
        var read = await store.ReadAsync(key, offset, buffer, CancellationToken.None);
        return read == length ? buffer : buffer[..read];
    }

    public Task<IReadOnlyList<ReplicaInfo>> ListAsync() => store.ListAsync(CancellationToken.None);

    public Task<bool> DeleteAsync(ReplicaKey key) => store.DeleteAsync(key, CancellationToken.None);
}
