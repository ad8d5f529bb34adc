using System.Runtime.CompilerServices;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Silo.Admin;

/// <summary><see cref="IStoreReader"/> on the shared blob store; the listing streams page by page.</summary>
internal sealed class SharedStoreReader(ISharedBlobStore store, string description) : IStoreReader
{
    public string Description => description;

    /// <summary>Unknown: counting would list the whole container twice.</summary>
    public Task<long?> CountManifestsAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    public async IAsyncEnumerable<StoreFile> ListManifestsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in store.ListAsync(FileStoreReader.RecordingsFolder + "/", cancellationToken))
        {
            if (blob.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                yield return new StoreFile(blob.Name, blob.SizeBytes);
            }
        }
    }

    public async Task<byte[]?> ReadAllAsync(string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        return await CopyToAsync(name, buffer, cancellationToken) ? buffer.ToArray() : null;
    }

    public async Task<long?> GetSizeAsync(string name, CancellationToken cancellationToken) =>
        (await store.GetInfoAsync(name, cancellationToken))?.SizeBytes;

    public async Task<bool> CopyToAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            await store.DownloadToAsync(name, destination, cancellationToken);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }
}
