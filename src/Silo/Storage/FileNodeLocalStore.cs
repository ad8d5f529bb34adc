using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// <see cref="INodeLocalStore"/> on the filesystem under the data directory, in the recorder's own layout, so a
/// replica looks exactly like a recording made here.
/// </summary>
/// <remarks>
/// A transfer writes <c>{id}.{format}.replica</c> beside its final name (same directory, so the rename is atomic),
/// hashing as it goes. On completion the size and hash are checked, the file is flushed to disk and renamed, then the
/// manifest is written to <c>{id}.json.tmp</c> and renamed: a manifest on disk always has its complete audio beside it.
/// Transfers in progress live in memory only; a restart leaves a stray <c>.replica</c> file that the next transfer of
/// that recording overwrites. Thread-safe: each transfer has its own lock, the table is concurrent.
/// <para><paramref name="catalogSha256"/> (the catalog's hash of a recording, null when not catalogued) makes the store
/// refuse a copy the catalog no longer holds, at the start and again just before it is published: when a dead node
/// returns and the catalog keeps its longer copy of a call, a push of the survivor's shorter copy that was already on
/// its way must not replace the winner here (it did: every node then held the loser while the catalog named the
/// winner, and the winner was nowhere left to copy from).</para>
/// <para><paramref name="landed"/> and <paramref name="removed"/> report each copy published here (before its sender's
/// completion call returns) and each one deleted, so the catalog lists where the copies are as they land
/// (<see cref="ReplicaLandings"/>); they must not throw.</para>
/// </remarks>
internal sealed class FileNodeLocalStore(
    string dataDirectory,
    TimeProvider time,
    Func<string, CancellationToken, Task<string?>>? catalogSha256 = null,
    Func<ReplicaDescriptor, Task>? landed = null,
    Func<ReplicaKey, Task>? removed = null)
    : INodeLocalStore
{
    /// <summary>A transfer with no chunk for this long is considered abandoned by its sender.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private const string PartSuffix = ".replica";
    private readonly string _root = Path.GetFullPath(dataDirectory);
    private readonly ConcurrentDictionary<string, Transfer> _transfers = new(StringComparer.Ordinal);

    public string AudioPath(ReplicaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Validate(key);
        return Path.Combine(_root, key.AudioName);
    }

    private string ManifestPath(ReplicaKey key) => Path.Combine(_root, key.ManifestName);

    public async Task<ReplicaBegin> BeginAsync(ReplicaDescriptor replica, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replica);
        Validate(replica.Key);
        ArgumentOutOfRangeException.ThrowIfNegative(replica.SizeBytes);
        if (await HasAsync(replica.Key, replica.Sha256, cancellationToken))
        {
            return ReplicaBegin.AlreadyStored;
        }

        if (IsOwnCopyUnsettled(replica.Key.Id))
        {
            return ReplicaBegin.InProgress;
        }

        if (await IsSupersededAsync(replica, cancellationToken))
        {
            return ReplicaBegin.Superseded;
        }

        var now = time.GetTimestamp();
        while (true)
        {
            if (_transfers.TryGetValue(replica.Key.Id, out var existing))
            {
                if (time.GetElapsedTime(existing.LastActivity, now) < StaleAfter)
                {
                    return ReplicaBegin.InProgress;
                }

                if (_transfers.TryRemove(new KeyValuePair<string, Transfer>(replica.Key.Id, existing)))
                {
                    existing.Dispose(deleteFile: true);
                }

                continue;
            }

            var audio = AudioPath(replica.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(audio)!);
            var transfer = new Transfer(replica, audio + PartSuffix, now);
            if (_transfers.TryAdd(replica.Key.Id, transfer))
            {
                try
                {
                    transfer.Open();
                }
                catch
                {
                    _transfers.TryRemove(new KeyValuePair<string, Transfer>(replica.Key.Id, transfer));
                    transfer.Dispose(deleteFile: false);
                    throw;
                }

                return ReplicaBegin.Accepted;
            }

            // Lost the race to another begin of the same recording: its part file was never opened here, so it is
            // neither truncated nor deleted by this one.
            transfer.Dispose(deleteFile: false);
        }
    }

    public async Task WriteChunkAsync(string id, long offset, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        var transfer = Find(id);
        if (chunk.Length > INodeLocalStore.MaxChunkBytes)
        {
            throw new ReplicaTransferException($"Chunk of {chunk.Length} bytes for {id}: at most {INodeLocalStore.MaxChunkBytes}.");
        }

        await transfer.Gate.WaitAsync(cancellationToken);
        try
        {
            if (offset != transfer.Written)
            {
                // Out of order or repeated: the transfer is no longer trustworthy, the sender starts again.
                Abort(id);
                throw new ReplicaTransferException($"Chunk at offset {offset} for {id}: expected offset {transfer.Written}; transfer dropped.");
            }

            if (transfer.Written + chunk.Length > transfer.Replica.SizeBytes)
            {
                Abort(id);
                throw new ReplicaTransferException($"Chunk overruns {id}'s size of {transfer.Replica.SizeBytes} bytes; transfer dropped.");
            }

            await transfer.File.WriteAsync(chunk, cancellationToken);
            transfer.Hash.AppendData(chunk.Span);
            transfer.Written += chunk.Length;
            transfer.LastActivity = time.GetTimestamp();
        }
        finally
        {
            transfer.Gate.Release();
        }
    }

    public async Task<ReplicaCompletion> CompleteAsync(string id, CancellationToken cancellationToken)
    {
        var transfer = Find(id);
        await transfer.Gate.WaitAsync(cancellationToken);
        bool ours = false, published = false;
        try
        {
            if (!_transfers.TryGetValue(id, out var current) || !ReferenceEquals(current, transfer))
            {
                // Whoever dropped it disposed it; its part file may already be a new transfer's.
                throw new ReplicaTransferException($"Transfer of {id} was dropped.");
            }

            ours = true;

            var replica = transfer.Replica;
            if (transfer.Written != replica.SizeBytes)
            {
                return ReplicaCompletion.SizeMismatch;
            }

            var hash = Convert.ToHexStringLower(transfer.Hash.GetHashAndReset());
            if (!string.Equals(hash, replica.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                return ReplicaCompletion.HashMismatch;
            }

            if (IsOwnCopyUnsettled(id))
            {
                throw new ReplicaTransferException($"Recording {id} is being finalized or catalogued here from this node's own segments.");
            }

            if (await IsSupersededAsync(replica, cancellationToken))
            {
                return ReplicaCompletion.Superseded;
            }

            await transfer.File.FlushAsync(cancellationToken);
            transfer.File.Flush(flushToDisk: true);
            transfer.Dispose(deleteFile: false);
            await PublishAsync(replica, transfer.PartPath, cancellationToken);
            published = true;
            if (landed is not null)
            {
                await landed(replica);
            }

            return ReplicaCompletion.Stored;
        }
        finally
        {
            // Out of the table only now, after the rename. Removed before it (as it was), a second sender arriving
            // between the file's close and its rename began a new transfer on the same part file, truncating it, and
            // the rename then published that second, partial file under the final name with the manifest beside it.
            if (ours && _transfers.TryRemove(new KeyValuePair<string, Transfer>(id, transfer)) && !published)
            {
                transfer.Dispose(deleteFile: true);
            }

            transfer.Gate.Release();
        }
    }

    /// <summary>
    /// True while this node finalizes or catalogues its own copy of the call (its segments, a copy it took over, or its
    /// pending-catalog marker are still there): a replica of the same id, another node's copy of a call taken over when this node was
    /// declared dead, must not land on the same paths meanwhile. The catalog decides between the two afterwards
    /// (the longer wins) and replication brings the winner here if it is not ours.
    /// </summary>
    private bool IsOwnCopyUnsettled(string id) =>
        Directory.Exists(Path.Combine(_root, Recording.RecordingPaths.SegmentsFolder, id))
        || Directory.Exists(Path.Combine(_root, FileLiveCopyStore.TakeoverFolder, id))
        || File.Exists(Path.Combine(_root, Catalog.CatalogIndexer.PendingFolder, id + Catalog.CatalogIndexer.MarkerExtension));

    /// <summary>True when the catalog holds this recording with another hash: this copy lost to another node's.</summary>
    private async Task<bool> IsSupersededAsync(ReplicaDescriptor replica, CancellationToken cancellationToken) =>
        catalogSha256 is not null
        && await catalogSha256(replica.Key.Id, cancellationToken) is { } current
        && !string.Equals(current, replica.Sha256, StringComparison.OrdinalIgnoreCase);

    public void Abort(string id)
    {
        if (id is not null && _transfers.TryRemove(id, out var transfer))
        {
            transfer.Dispose(deleteFile: true);
        }
    }

    public async Task<ReplicaCompletion> StoreAsync(
        ReplicaDescriptor replica, Func<Stream, CancellationToken, Task> writeAudio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeAudio);
        switch (await BeginAsync(replica, cancellationToken))
        {
            case ReplicaBegin.AlreadyStored:
                return ReplicaCompletion.Stored;
            case ReplicaBegin.Superseded:
                return ReplicaCompletion.Superseded;
            case ReplicaBegin.InProgress:
                throw new ReplicaTransferException($"Recording {replica.Key.Id} is being received from another node.");
        }

        try
        {
            await using (var sink = new TransferStream(this, replica.Key.Id))
            {
                await writeAudio(sink, cancellationToken);
            }

            return await CompleteAsync(replica.Key.Id, cancellationToken);
        }
        catch
        {
            Abort(replica.Key.Id);
            throw;
        }
    }

    public Task<bool> HasAsync(ReplicaKey key, string sha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var info = ReadInfo(ManifestPath(key));
        if (info is null || !string.Equals(info.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(false);
        }

        var audio = new FileInfo(AudioPath(key));
        return Task.FromResult(audio.Exists && audio.Length == info.SizeBytes);
    }

    public async Task<int> ReadAsync(ReplicaKey key, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        await using var stream = OpenRead(key) ?? throw new FileNotFoundException($"Recording {key.Id} is not in this store.", AudioPath(key));
        stream.Position = offset;
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public Stream? OpenRead(ReplicaKey key)
    {
        try
        {
            return new FileStream(AudioPath(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<ReplicaInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var recordings = Path.Combine(_root, "recordings");
        if (!Directory.Exists(recordings))
        {
            return Task.FromResult<IReadOnlyList<ReplicaInfo>>([]);
        }

        var list = new List<ReplicaInfo>();
        foreach (var manifest in Directory.EnumerateFiles(recordings, "*.json", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadInfo(manifest) is { } info)
            {
                list.Add(info);
            }
        }

        return Task.FromResult<IReadOnlyList<ReplicaInfo>>(list);
    }

    /// <summary>The manifest's id, sha256 and sizeBytes; null when missing or unreadable (a half-written file never is: renames).</summary>
    /// <remarks>Synchronous: a manifest is a few hundred bytes, one read costs less than an asynchronous file handle.</remarks>
    private static ReplicaInfo? ReadInfo(string manifestPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var root = document.RootElement;
            return root.TryGetProperty("id", out var id) && root.TryGetProperty("sha256", out var sha)
                && root.TryGetProperty("sizeBytes", out var size) && size.TryGetInt64(out var bytes)
                ? new ReplicaInfo(id.GetString() ?? "", sha.GetString() ?? "", bytes, KeyOf(root))
                : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Deletes a replica's audio and manifest (manifest first: a store never lists audio it cannot name).</summary>
    public async Task<bool> DeleteAsync(ReplicaKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var manifest = Path.Combine(_root, key.ManifestName);
        var audio = AudioPath(key);
        var existed = File.Exists(manifest) || File.Exists(audio);
        File.Delete(manifest);
        File.Delete(audio);
        File.Delete(audio + ".replica");
        if (existed && removed is not null)
        {
            await removed(key);
        }

        return existed;
    }

    private static ReplicaKey? KeyOf(JsonElement manifest) =>
        manifest.TryGetProperty("id", out var id) && id.GetString() is { } value
        && manifest.TryGetProperty("startedAt", out var started) && started.TryGetDateTimeOffset(out var startedAt)
        && manifest.TryGetProperty("format", out var format) && format.GetString() is { } formatName
            ? new ReplicaKey(value, startedAt, formatName)
            : null;

    private async Task PublishAsync(ReplicaDescriptor replica, string partPath, CancellationToken cancellationToken)
    {
        File.Move(partPath, AudioPath(replica.Key), overwrite: true);
        var manifest = ManifestPath(replica.Key);
        var temp = manifest + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await stream.WriteAsync(replica.Manifest, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, manifest, overwrite: true);
    }

    private Transfer Find(string id) =>
        id is not null && _transfers.TryGetValue(id, out var transfer)
            ? transfer
            : throw new ReplicaTransferException($"No transfer of {id} in progress.");

    private static void Validate(ReplicaKey key)
    {
        var id = key.Id;
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (id is "." or ".." || id.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains('/') || id.Contains('\\')
            || key.Format is not ("wav" or "opus"))
        {
            throw new ArgumentException($"Recording '{id}' ({key.Format}) cannot name a file in the store.", nameof(key));
        }
    }

    /// <summary>One replica being received: its temporary file and running hash.</summary>
    private sealed class Transfer(ReplicaDescriptor replica, string partPath, long startedAt)
    {
        public ReplicaDescriptor Replica { get; } = replica;
        public string PartPath { get; } = partPath;
        private FileStream? _file;

        /// <summary>The part file, open once this transfer is the one in the table (<see cref="Open"/>).</summary>
        public FileStream File => _file ?? throw new InvalidOperationException($"The transfer of {Replica.Key.Id} has no part file open.");

        /// <summary>
        /// Opens (truncates) the part file, only after this transfer won its place in the table. Two begins of one
        /// recording racing once both opened it, and the loser deleted the winner's part file; .NET's emulated
        /// <c>FileShare.None</c> lock made the loser's open fail first. That lock is off in the node
        /// (<c>System.IO.DisableFileLocking</c>, Silo.csproj), so the table alone keeps one writer per part file.
        /// </summary>
        public void Open() => _file = new(PartPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public long Written { get; set; }
        public long LastActivity { get; set; } = startedAt;

        public void Dispose(bool deleteFile)
        {
            _file?.Dispose();
            Hash.Dispose();
            if (deleteFile)
            {
                System.IO.File.Delete(PartPath);
            }
        }
    }

    /// <summary>A write-only stream that feeds <see cref="WriteChunkAsync"/> in chunks of at most 64 KiB.</summary>
    private sealed class TransferStream(FileNodeLocalStore store, string id) : Stream
    {
        private long _position;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                var chunk = buffer[..Math.Min(buffer.Length, INodeLocalStore.MaxChunkBytes)];
                await store.WriteChunkAsync(id, _position, chunk, cancellationToken);
                _position += chunk.Length;
                buffer = buffer[chunk.Length..];
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
