namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// A node's own copies of recordings, under its data directory in the common layout (<see cref="ReplicaKey"/>).
/// Replicas arrive in chunks, are hashed as they arrive, and become visible only once complete and verified: the audio
/// is renamed into place first, then its manifest, so a manifest always means a complete audio file beside it.
/// </summary>
/// <remarks>Thread-safe. One transfer per recording at a time (<see cref="ReplicaBegin.InProgress"/> otherwise).</remarks>
public interface INodeLocalStore
{
    /// <summary>Largest chunk <see cref="WriteChunkAsync"/> accepts: 64 KiB.</summary>
    const int MaxChunkBytes = 64 * 1024;

    /// <summary>Starts receiving a replica (a stale transfer of the same recording, idle for a while, is discarded).</summary>
    Task<ReplicaBegin> BeginAsync(ReplicaDescriptor replica, CancellationToken cancellationToken);

    /// <summary>Appends a chunk; <paramref name="offset"/> must be the number of bytes received so far.</summary>
    /// <exception cref="ReplicaTransferException">Unknown transfer, wrong offset, oversize chunk or too many bytes.</exception>
    Task WriteChunkAsync(string id, long offset, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);

    /// <summary>Verifies size and SHA-256, then makes the replica visible (audio, then manifest, each by rename).</summary>
    Task<ReplicaCompletion> CompleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Drops an unfinished transfer and its temporary file.</summary>
    void Abort(string id);

    /// <summary>Stores a whole replica from a source the caller writes into a temporary file, with the same checks.</summary>
    Task<ReplicaCompletion> StoreAsync(ReplicaDescriptor replica, Func<Stream, CancellationToken, Task> writeAudio, CancellationToken cancellationToken);

    /// <summary>True when the manifest is present, names this hash, and the audio beside it has the manifest's size.</summary>
    Task<bool> HasAsync(ReplicaKey key, string sha256, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="buffer"/>'s length of the audio at <paramref name="offset"/>; 0 at the end.</summary>
    /// <exception cref="FileNotFoundException">The recording is not in this store.</exception>
    Task<int> ReadAsync(ReplicaKey key, long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Opens the audio for reading (shared with other readers), or null when the store does not hold it.</summary>
    Stream? OpenRead(ReplicaKey key);

    /// <summary>The full path of the audio file, whether or not it exists.</summary>
    string AudioPath(ReplicaKey key);

    /// <summary>Every complete replica (those with a manifest), read from the manifests on disk.</summary>
    Task<IReadOnlyList<ReplicaInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a replica (audio and manifest); true when something was there.</summary>
    Task<bool> DeleteAsync(ReplicaKey key, CancellationToken cancellationToken);
}
