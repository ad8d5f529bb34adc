namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Read access to one store in the common layout (ARCHITECTURE.md, storage layout), whether a node's data directory
/// (<see cref="FileStoreReader"/>) or the shared blob container (<see cref="SharedStoreReader"/>). Names are
/// store-relative and '/'-separated, so a name read from one store finds the same recording in another.
/// </summary>
internal interface IStoreReader
{
    /// <summary>What to call the store in messages.</summary>
    string Description { get; }

    /// <summary>The number of manifests when it is cheap to know up front (a directory walk), else null.</summary>
    Task<long?> CountManifestsAsync(CancellationToken cancellationToken);

    /// <summary>Every <c>recordings/**/*.json</c> file, streamed in no particular order.</summary>
    IAsyncEnumerable<StoreFile> ListManifestsAsync(CancellationToken cancellationToken);

    /// <summary>The whole content of a small file (a manifest), or null when it does not exist.</summary>
    Task<byte[]?> ReadAllAsync(string name, CancellationToken cancellationToken);

    /// <summary>The file's length, or null when it does not exist.</summary>
    Task<long?> GetSizeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Streams the file into <paramref name="destination"/>; false (nothing written) when it does not exist.</summary>
    Task<bool> CopyToAsync(string name, Stream destination, CancellationToken cancellationToken);
}
