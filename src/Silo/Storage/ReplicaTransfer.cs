using System.Buffers;
using System.Text.Json;
using System.Threading.RateLimiting;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Copies one recording between this node's store, a peer's store (through its <see cref="INodeStoreGrain"/>) and the
/// shared store, in 64 KiB chunks, optionally through a rate limiter. Every copy is idempotent by content hash: the
/// target is asked first and a copy it already holds is not sent again.
/// </summary>
internal sealed class ReplicaTransfer(INodeLocalStore local, ISharedBlobStore shared, IGrainFactory grains)
{
    public const int ChunkBytes = INodeLocalStore.MaxChunkBytes;

    /// <summary>Limit of one grain call to a peer: a node that stopped answering but is not yet declared dead fails fast.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public INodeLocalStore Local => local;

    public ISharedBlobStore Shared => shared;

    public IGrainFactory Grains => grains;

    /// <summary>The replica of a catalog manifest; the manifest bytes are what the recorder wrote beside the audio.</summary>
    public static ReplicaDescriptor Describe(RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new ReplicaDescriptor(
            new ReplicaKey(manifest.Id, manifest.StartedAt, RecordingFormats.Normalize(manifest.Format)),
            manifest.SizeBytes,
            manifest.Sha256.ToLowerInvariant(),
            JsonSerializer.SerializeToUtf8Bytes(manifest, RecordingJsonContext.Default.RecordingManifest));
    }

    /// <summary>Sends the local copy to <paramref name="node"/>'s store. False when another sender is already at it.</summary>
    /// <returns>Audio bytes sent (0 when the peer already had it), or null when another transfer is in progress there.</returns>
    public async Task<long?> PushAsync(string node, ReplicaDescriptor replica, RateLimiter? limiter, CancellationToken cancellationToken)
    {
        var store = grains.GetGrain<INodeStoreGrain>(node);
        switch (await store.BeginAsync(replica).WaitAsync(CallTimeout, cancellationToken))
        {
            case ReplicaBegin.AlreadyStored or ReplicaBegin.Superseded:
                return 0;
            case ReplicaBegin.InProgress:
                return null;
        }

        var completed = false;
        try
        {
            await using var source = local.OpenRead(replica.Key)
                ?? throw new FileNotFoundException($"Recording {replica.Key.Id} is not in this node's store.");
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                long offset = 0;
                while (true)
                {
                    var read = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    if (limiter is not null)
                    {
                        await ThrottledStream.AcquireAsync(limiter, ChunkBytes, read, cancellationToken);
                    }

                    // A copy: Orleans serializes the array after this call returns control, so the pooled buffer must not travel.
                    await store.WriteChunkAsync(replica.Key.Id, offset, buffer.AsSpan(0, read).ToArray()).WaitAsync(CallTimeout, cancellationToken);
                    offset += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var result = await store.CompleteAsync(replica.Key.Id).WaitAsync(CallTimeout, cancellationToken);
            completed = true;
            return result switch
            {
                ReplicaCompletion.Stored => replica.SizeBytes,
                ReplicaCompletion.Superseded => 0, // the catalog chose another copy meanwhile: this one is not wanted
                _ => throw new InvalidDataException($"{node} refused recording {replica.Key.Id}: {result} (the local copy may be damaged)."),
            };
        }
        finally
        {
            if (!completed)
            {
                await TryAbortAsync(store, replica.Key.Id);
            }
        }
    }

    /// <summary>Copies <paramref name="node"/>'s copy into this node's store, chunk by chunk.</summary>
    public async Task<long> PullAsync(string node, ReplicaDescriptor replica, RateLimiter? limiter, CancellationToken cancellationToken)
    {
        if (await local.HasAsync(replica.Key, replica.Sha256, cancellationToken))
        {
            return 0; // A push from the peer got here first; nothing moved, so nothing to count as a copy.
        }

        var store = grains.GetGrain<INodeStoreGrain>(node);
        var result = await local.StoreAsync(replica, async (sink, ct) =>
        {
            long offset = 0;
            while (offset < replica.SizeBytes)
            {
                var length = (int)Math.Min(ChunkBytes, replica.SizeBytes - offset);
                if (limiter is not null)
                {
                    await ThrottledStream.AcquireAsync(limiter, ChunkBytes, length, ct);
                }

                var chunk = await store.ReadChunkAsync(replica.Key, offset, length).WaitAsync(CallTimeout, ct);
                if (chunk.Length == 0)
                {
                    throw new InvalidDataException($"{node}'s copy of {replica.Key.Id} ends at {offset} of {replica.SizeBytes} bytes.");
                }

                await sink.WriteAsync(chunk, ct);
                offset += chunk.Length;
            }
        }, cancellationToken);
        return Verified(result, replica, node);
    }

    /// <summary>Whether the shared store has the manifest and audio with this hash.</summary>
    public async Task<bool> SharedHasAsync(ReplicaDescriptor replica, CancellationToken cancellationToken)
    {
        if (!await shared.ExistsAsync(replica.Key.ManifestName, cancellationToken))
        {
            return false;
        }

        var audio = await shared.GetInfoAsync(replica.Key.AudioName, cancellationToken);
        return audio is not null && string.Equals(audio.Sha256, replica.Sha256, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Uploads the local copy to the shared store (audio streamed and verified, then the manifest).</summary>
    public async Task<long> UploadAsync(ReplicaDescriptor replica, RateLimiter? limiter, CancellationToken cancellationToken)
    {
        await using (var file = local.OpenRead(replica.Key)
            ?? throw new FileNotFoundException($"Recording {replica.Key.Id} is not in this node's store."))
        {
            await using Stream source = limiter is null ? file : new ThrottledStream(file, limiter, ChunkBytes);
            await shared.UploadAsync(replica.Key.AudioName, source, replica.Sha256, RecordingFormats.ContentType(replica.Key.Format), cancellationToken);
        }

        using var manifest = new MemoryStream(replica.Manifest, writable: false);
        await shared.UploadAsync(replica.Key.ManifestName, manifest, sha256: null, "application/json", cancellationToken);
        return replica.SizeBytes;
    }

    /// <summary>Downloads the shared store's copy into this node's store.</summary>
    public async Task<long> DownloadAsync(ReplicaDescriptor replica, RateLimiter? limiter, CancellationToken cancellationToken)
    {
        if (await local.HasAsync(replica.Key, replica.Sha256, cancellationToken))
        {
            return 0; // Already here (a peer's push got here first): nothing to download or count.
        }

        var result = await local.StoreAsync(replica, async (sink, ct) =>
        {
            await using Stream target = limiter is null ? sink : new ThrottledStream(sink, limiter, ChunkBytes);
            await shared.DownloadToAsync(replica.Key.AudioName, target, ct);
        }, cancellationToken);
        return Verified(result, replica, "shared");
    }

    private static long Verified(ReplicaCompletion result, ReplicaDescriptor replica, string source) => result switch
    {
        ReplicaCompletion.Stored => replica.SizeBytes,
        ReplicaCompletion.Superseded => 0, // a copy the catalog no longer holds: not kept, the next pass pulls the winner
        _ => throw new InvalidDataException($"The copy of {replica.Key.Id} from {source} failed verification: {result}."),
    };

    private static async Task TryAbortAsync(INodeStoreGrain store, string id)
    {
        try
        {
            await store.AbortAsync(id).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The peer is gone or busy; its transfer goes stale and is replaced by the next sender.
        }
    }
}
