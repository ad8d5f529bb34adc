using System.Collections.Concurrent;
using System.Text.Json;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// Puts finalized recordings into the catalog without losing one to a cluster database outage. The manifest on disk is
/// the truth: before the insert, a marker naming the manifest is written under <c>catalog-pending/</c>, and it is
/// removed once the row is committed. When the insert fails (database killed, restarting, not answering in
/// <see cref="InlineTimeout"/>), or is not tried because the database is known to be down, the marker stays and <see cref="RetryPendingAsync"/>, run every few seconds by
/// <see cref="CatalogIndexService"/>, adds what the catalog still lacks once the database answers again, including the
/// markers a killed process left behind.
/// </summary>
/// <remarks>
/// The marker is written ahead of the insert rather than after a failure so that a process killed during a slow insert
/// still leaves it. Re-adding is safe: a recording the catalog already has (the insert committed but the marker was not
/// removed) only loses its marker, and a tombstoned one (deleted meanwhile) is not brought back. Replication is queued
/// once the row exists, because replication reads the catalog.
/// </remarks>
internal sealed class CatalogIndexer
{
    public const string PendingFolder = "catalog-pending";
    public const string RejectedFolder = "catalog-pending-rejected";
    public const string MarkerExtension = ".pending";

    /// <summary>How long finalizing a call waits for the insert before leaving it to the pending pass.</summary>
    public static readonly TimeSpan InlineTimeout = TimeSpan.FromSeconds(5);

    private readonly IRecordingCatalog _catalog;
    private readonly IReplicationQueue _replication;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CatalogIndexer> _logger;
    private readonly string _dataDirectory;
    private readonly IWebhookPublisher? _webhooks;
    private readonly string? _nodeName;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset? _unreachableSince;
    private string? _lastError;

    /// <summary>
    /// Markers name manifests relative to <paramref name="dataDirectory"/>, the node's data directory. The copy of each
    /// recording indexed here is recorded as landed at <paramref name="nodeName"/> (this node) with its row, in one
    /// transaction (<see cref="ReplicationService"/> then has nothing to do on a lone node); null records no copy
    /// (tests of the catalog alone).
    /// </summary>
    public CatalogIndexer(
        IRecordingCatalog catalog, IReplicationQueue replication, string dataDirectory, TimeProvider timeProvider, ILogger<CatalogIndexer> logger,
        IWebhookPublisher? webhooks = null, string? nodeName = null)
    {
        _webhooks = webhooks;
        _nodeName = nodeName;
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        _catalog = catalog;
        _replication = replication;
        _timeProvider = timeProvider;
        _logger = logger;
        _dataDirectory = Path.GetFullPath(dataDirectory);
        PendingDirectory = Path.Combine(_dataDirectory, PendingFolder);
    }

    public string PendingDirectory { get; }

    public CatalogIndexStatus Status
    {
        get
        {
            // The directory is read outside the lock: a health probe must not hold up the indexing of a call.
            var pending = ListMarkers().Count;
            lock (_gate)
            {
                return new CatalogIndexStatus(pending, _unreachableSince, _lastError);
            }
        }
    }

    private bool IsKnownUnreachable
    {
        get
        {
            lock (_gate)
            {
                return _unreachableSince is not null;
            }
        }
    }

    /// <summary>Indexes a recording just finalized; false when it was left pending (it is safe on disk either way).</summary>
    public async Task<bool> AddAsync(FinalizedRecording recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var id = recording.Manifest.Id;
        _inFlight[id] = 0;
        try
        {
            var marker = WriteMarker(id, recording.ManifestPath, cancellationToken);
            if (IsKnownUnreachable)
            {
                // No insert against a database known to be down (or hanging): finalizing many calls at shutdown must
                // not wait InlineTimeout each. The pass, which probes every few seconds, indexes it.
                CatalogLog.LeftPending(_logger, id);
                return false;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(InlineTimeout);
            try
            {
                if (await _catalog.GetAsync(id, timeout.Token) is { } existing && !Supersedes(recording.Manifest, existing))
                {
                    Discard(recording.AudioPath, recording.ManifestPath, marker, id, existing);
                    MarkReachable();
                    return true;
                }

                await _catalog.AddAsync(recording.Manifest, _nodeName, EscrowedKey(recording.Manifest), timeout.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                MarkUnreachable(ex);
                CatalogLog.Deferred(_logger, id, ex);
                return false;
            }

            File.Delete(marker);
            DeleteEscrowedKey(recording.Manifest);
            MarkReachable();
            _replication.Enqueue(id);
            _webhooks?.RecordingCompleted(recording.Manifest);
            return true;
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// One pending pass: adds every marked recording the catalog lacks, oldest first, stopping at the first database
    /// error; with nothing pending, pings the database so the health answer knows whether it answers. Never throws but
    /// for cancellation. Returns how many recordings are still pending.
    /// </summary>
    public async Task<int> RetryPendingAsync(CancellationToken cancellationToken)
    {
        var markers = ListMarkers();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(InlineTimeout);
            if (markers.Count == 0)
            {
                await _catalog.PingAsync(timeout.Token);
            }

            foreach (var marker in markers)
            {
                var id = Path.GetFileNameWithoutExtension(marker.Name);
                if (!_inFlight.ContainsKey(id))
                {
                    timeout.CancelAfter(InlineTimeout);
                    await IndexPendingAsync(marker, id, timeout.Token);
                }
            }

            MarkReachable();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            MarkUnreachable(ex);
        }

        return ListMarkers().Count;
    }

    private async Task IndexPendingAsync(FileInfo marker, string id, CancellationToken cancellationToken)
    {
        RecordingManifest? manifest = null;
        Exception? problem = null;
        var manifestPath = "";
        try
        {
            manifestPath = Path.Combine(_dataDirectory, (await File.ReadAllTextAsync(marker.FullName, cancellationToken)).Trim());
            await using var stream = File.OpenRead(manifestPath);
            manifest = await JsonSerializer.DeserializeAsync(stream, RecordingJsonContext.Default.RecordingManifest, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = ex;
        }

        if (manifest is null || manifest.Id != id)
        {
            // Kept for an operator (RecorderAdmin rebuild reads the manifests anyway), out of the retry loop.
            var rejected = Path.Combine(_dataDirectory, RejectedFolder);
            Directory.CreateDirectory(rejected);
            var target = Path.Combine(rejected, marker.Name);
            File.Move(marker.FullName, target, overwrite: true);
            CatalogLog.BadMarker(_logger, marker.FullName, target, problem);
            return;
        }

        if ((await _catalog.GetTombstonedAsync([id], cancellationToken)).Contains(id))
        {
            CatalogLog.SkippedTombstoned(_logger, id);
        }
        else if (await _catalog.GetAsync(id, cancellationToken) is null)
        {
            await _catalog.AddAsync(manifest, _nodeName, EscrowedKey(manifest), cancellationToken);
            _replication.Enqueue(id);
            _webhooks?.RecordingCompleted(manifest);
            CatalogLog.IndexedLate(_logger, id, (_timeProvider.GetUtcNow() - marker.LastWriteTimeUtc).TotalSeconds);
        }

        else if (await _catalog.GetAsync(id, cancellationToken) is { } existing && !string.Equals(existing.Sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            // Another node's copy of the same call (taken over when this node was declared dead) was catalogued first.
            if (!Supersedes(manifest, existing))
            {
                var audio = Path.Combine(Path.GetDirectoryName(manifestPath)!, id + RecordingFormats.Extension(RecordingFormats.Normalize(manifest.Format)));
                Discard(audio, manifestPath, marker.FullName, id, existing);
                return;
            }

            await _catalog.AddAsync(manifest, _nodeName, EscrowedKey(manifest), cancellationToken);
            _replication.Enqueue(id);
        }
        else
        {
            // The row committed but the process died before the marker went: the key may not have been stored yet.
            await AddDataKeyAsync(manifest, cancellationToken);
        }

        File.Delete(marker.FullName);
        DeleteEscrowedKey(manifest);
    }

    /// <summary>
    /// Two copies of one call by the same id: the one a surviving node finalized from its in-call copy when the
    /// recording node was declared dead, and the one that node recovered from its own segments when it came back. The
    /// longer wins; on a tie the one catalogued first stays (so do its data key and every replica already made).
    /// </summary>
    internal static bool Supersedes(RecordingManifest candidate, RecordingManifest existing) =>
        string.Equals(candidate.Sha256, existing.Sha256, StringComparison.OrdinalIgnoreCase)
        || candidate.DurationSeconds > existing.DurationSeconds;

    /// <summary>
    /// Removes this node's losing copy (audio, manifest, escrowed key, marker) and asks replication to look: the
    /// winner's replica is pulled here by the next catch-up pass.
    /// </summary>
    private void Discard(string audioPath, string manifestPath, string marker, string id, RecordingManifest kept)
    {
        File.Delete(manifestPath);
        File.Delete(audioPath);
        File.Delete(marker);
        DataKeyEscrow.Delete(_dataDirectory, id);
        CatalogLog.Superseded(_logger, id, kept.DurationSeconds);
        _replication.Enqueue(id);
    }

    /// <summary>
    /// The finalizer's wrapped data key, stored with the row (one transaction), so no row lacks its key; only an
    /// encrypted recording has one: a plain one's is not looked for (a stat per call).
    /// </summary>
    private WrappedDataKey? EscrowedKey(RecordingManifest manifest) =>
        manifest.Encryption is not null ? DataKeyEscrow.Read(_dataDirectory, manifest.Id) : null;

    /// <summary>The key of a row already committed (a process that died before its marker went), when it has one.</summary>
    private async Task AddDataKeyAsync(RecordingManifest manifest, CancellationToken cancellationToken)
    {
        if (EscrowedKey(manifest) is { } key)
        {
            await _catalog.AddDataKeyAsync(manifest.Id, key, cancellationToken);
        }
    }

    /// <summary>The escrowed key once the catalog has it; a plain recording has none to delete (an unlink per call).</summary>
    private void DeleteEscrowedKey(RecordingManifest manifest)
    {
        if (manifest.Encryption is not null)
        {
            DataKeyEscrow.Delete(_dataDirectory, manifest.Id);
        }
    }

    /// <remarks>
    /// Synchronous: a marker is a few bytes written once per call, and an asynchronous file handle costs more than
    /// the write (on Linux it is the same system call, made on a pool thread).
    /// </remarks>
    private string WriteMarker(string id, string manifestPath, CancellationToken cancellationToken)
    {
        RecordingPaths.ValidateRecordingId(id);
        cancellationToken.ThrowIfCancellationRequested();
        var marker = Path.Combine(PendingDirectory, id + MarkerExtension);
        var temp = marker + ".tmp";
        var content = Path.GetRelativePath(_dataDirectory, manifestPath);
        try
        {
            File.WriteAllText(temp, content);
        }
        catch (DirectoryNotFoundException)
        {
            // The first marker of this data directory (or its folder was removed): made once, not checked per call.
            Directory.CreateDirectory(PendingDirectory);
            File.WriteAllText(temp, content);
        }

        File.Move(temp, marker, overwrite: true);
        return marker;
    }

    /// <summary>The markers, oldest first (temporary files of a marker being written are not markers).</summary>
    private List<FileInfo> ListMarkers()
    {
        var directory = new DirectoryInfo(PendingDirectory);
        if (!directory.Exists)
        {
            return [];
        }

        return [.. directory.EnumerateFiles("*" + MarkerExtension)
            .Where(f => f.Name.EndsWith(MarkerExtension, StringComparison.Ordinal))
            .OrderBy(f => f.LastWriteTimeUtc)];
    }

    private void MarkUnreachable(Exception exception)
    {
        lock (_gate)
        {
            _lastError = exception.GetBaseException().Message;
            if (_unreachableSince is not null)
            {
                return;
            }

            _unreachableSince = _timeProvider.GetUtcNow();
        }

        CatalogLog.Unreachable(_logger, ListMarkers().Count, exception);
    }

    private void MarkReachable()
    {
        DateTimeOffset? since;
        lock (_gate)
        {
            since = _unreachableSince;
            _unreachableSince = null;
            _lastError = null;
        }

        if (since is { } value)
        {
            CatalogLog.Reachable(_logger, (_timeProvider.GetUtcNow() - value).TotalSeconds);
        }
    }
}
