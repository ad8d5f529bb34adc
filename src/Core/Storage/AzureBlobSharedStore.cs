using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// <see cref="ISharedBlobStore"/> on Azure Blob Storage (Azurite in development: start it with
/// <c>--skipApiVersionCheck</c>, see <c>infra/scripts/start-azurite.sh</c>). One container; blob names are the
/// store-relative names. Each blob carries its SHA-256 as metadata <c>sha256</c>.
/// </summary>
/// <remarks>
/// Uploads read the source through <see cref="HashingReadStream"/>, which is not seekable: the SDK then sends it as
/// blocks of at most <see cref="BlockBytes"/> held in memory one (or a few) at a time, never the whole file, and the
/// hash is of exactly the bytes sent. Thread-safe (the SDK clients are).
/// </remarks>
internal sealed class AzureBlobSharedStore : ISharedBlobStore
{
    public const string Sha256Metadata = "sha256";
    private const int BlockBytes = 4 * 1024 * 1024;
    private readonly BlobContainerClient _container;
    private volatile bool _created;

    public AzureBlobSharedStore(string connectionString, string container)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        _container = new BlobContainerClient(connectionString, container, ClientOptions());
    }

    /// <summary>
    /// Few, short SDK retries. The storage SDK's own defaults (5 retries from 4 s up, about two minutes before a call
    /// to a store that is down gives up) held the single replication worker that long per call, so during an outage
    /// of the shared store fresh recordings stopped reaching the other nodes too. <see cref="ReplicationService"/>
    /// retries with its own backoff and catch-up, so a quick failure here is what it needs.
    /// </summary>
    internal static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    public bool IsEnabled => true;

    public async Task UploadAsync(string name, Stream content, string? sha256, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync();
        var blob = _container.GetBlobClient(name);
        using var hashing = new HashingReadStream(content);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Metadata = sha256 is null ? null : new Dictionary<string, string> { [Sha256Metadata] = sha256.ToLowerInvariant() },
            TransferOptions = new Azure.Storage.StorageTransferOptions
            {
                InitialTransferSize = BlockBytes,
                MaximumTransferSize = BlockBytes,
                MaximumConcurrency = 2,
            },
        };
        await blob.UploadAsync(hashing, options, cancellationToken);
        var sent = hashing.GetHashHex();
        if (sha256 is not null && !string.Equals(sent, sha256, StringComparison.OrdinalIgnoreCase))
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            throw new InvalidDataException($"{name}: uploaded bytes hash to {sent}, expected {sha256}; blob deleted.");
        }

        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        if (properties.Value.ContentLength != hashing.BytesRead)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            throw new InvalidDataException($"{name}: stored {properties.Value.ContentLength} bytes, sent {hashing.BytesRead}; blob deleted.");
        }
    }

    public async Task<SharedBlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync();
        try
        {
            var properties = (await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new SharedBlobInfo(name, properties.ContentLength, (properties.Metadata.TryGetValue(Sha256Metadata, out var sha) ? sha : null));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync();
        return (await _container.GetBlobClient(name).ExistsAsync(cancellationToken)).Value;
    }

    public async IAsyncEnumerable<SharedBlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureContainerAsync();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix }, cancellationToken))
        {
            yield return new SharedBlobInfo(item.Name, item.Properties.ContentLength ?? 0, (item.Metadata is { } metadata && metadata.TryGetValue(Sha256Metadata, out var sha) ? sha : null));
        }
    }

    public async Task DownloadToAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await EnsureContainerAsync();
        try
        {
            await _container.GetBlobClient(name).DownloadToAsync(destination, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"No blob {name} in the shared store.", name, ex);
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync();
        return (await _container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
    }

    private async Task EnsureContainerAsync()
    {
        // Idempotent, so two first calls racing both asking is harmless; a failure (store down) is retried next call.
        if (!_created)
        {
            await _container.CreateIfNotExistsAsync();
            _created = true;
        }
    }

    /// <summary>A forward-only read view of a stream that hashes (SHA-256) and counts what is read through it.</summary>
    private sealed class HashingReadStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public string GetHashHex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            BytesRead += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            _hash.AppendData(buffer.Span[..read]);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
