namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// The cluster's shared blob store (Azure Blob Storage; Azurite in development), with the node-local names
/// (<see cref="ReplicaKey.AudioName"/>, <see cref="ReplicaKey.ManifestName"/>). Disabled when not configured.
/// </summary>
public interface ISharedBlobStore
{
    /// <summary>False when no connection string is configured: every other member then throws.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// Uploads <paramref name="content"/> streamed (never the whole file in memory), with metadata <c>sha256</c>, and
    /// verifies that the bytes sent hash to <paramref name="sha256"/>; on a mismatch the blob is deleted and
    /// <see cref="InvalidDataException"/> thrown. <paramref name="sha256"/> may be null for small files (manifests).
    /// </summary>
    Task UploadAsync(string name, Stream content, string? sha256, string contentType, CancellationToken cancellationToken);

    /// <summary>The blob's length and hash metadata, or null when it does not exist.</summary>
    Task<SharedBlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken);

    /// <summary>Whether the blob exists.</summary>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, with its metadata.</summary>
    IAsyncEnumerable<SharedBlobInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Streams the blob into <paramref name="destination"/>.</summary>
    /// <exception cref="FileNotFoundException">No such blob.</exception>
    Task DownloadToAsync(string name, Stream destination, CancellationToken cancellationToken);

    /// <summary>Deletes the blob; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
