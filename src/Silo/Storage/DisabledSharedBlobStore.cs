using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Silo.Storage;

/// <summary>No shared store configured (the embedded default): replication between nodes only.</summary>
internal sealed class DisabledSharedBlobStore : ISharedBlobStore
{
    public bool IsEnabled => false;

    public Task UploadAsync(string name, Stream content, string? sha256, string contentType, CancellationToken cancellationToken) => throw Disabled();

    public Task<SharedBlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken) => throw Disabled();

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => throw Disabled();

    public IAsyncEnumerable<SharedBlobInfo> ListAsync(string prefix, CancellationToken cancellationToken) => throw Disabled();

    public Task DownloadToAsync(string name, Stream destination, CancellationToken cancellationToken) => throw Disabled();

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => throw Disabled();

    private static InvalidOperationException Disabled() =>
        new("The shared store is disabled: set Recorder:SharedStore:ConnectionString.");
}
