using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Tests.Unit.Admin;

/// <summary>An <see cref="ISharedBlobStore"/> in a dictionary, listed in name order like Azure Blob Storage.</summary>
internal sealed class InMemorySharedBlobStore : ISharedBlobStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public bool IsEnabled => true;

    public void Put(string name, byte[] content) => _blobs[name] = content;

    public async Task UploadAsync(string name, Stream content, string? sha256, string contentType, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        _blobs[name] = buffer.ToArray();
    }

    public Task<SharedBlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_blobs.TryGetValue(name, out var blob) ? new SharedBlobInfo(name, blob.Length, null) : null);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => Task.FromResult(_blobs.ContainsKey(name));

    public async IAsyncEnumerable<SharedBlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var (name, blob) in _blobs.Where(b => b.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            yield return new SharedBlobInfo(name, blob.Length, null);
        }
    }

    public async Task DownloadToAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        if (!_blobs.TryGetValue(name, out var blob))
        {
            throw new FileNotFoundException($"No blob {name}.", name);
        }

        await destination.WriteAsync(blob, cancellationToken);
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => Task.FromResult(_blobs.TryRemove(name, out _));
}
