using System.Collections.Concurrent;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// In-call replication (issue #15): every <see cref="ReplicationOptions.LiveSegmentInterval"/>, what the segments of
/// each call in progress on this node gained since the last round goes to <see cref="ReplicationOptions.LiveSegmentCopies"/>
/// other active nodes (<see cref="ILiveCopyGrain"/>), so that a node killed mid-call loses at most about the flush
/// interval plus this interval of audio (RPO). A call's directory that is gone was finalized or discarded here: its
/// copies are dropped.
/// </summary>
/// <remarks>
/// <para>Reads the segment files as they are on disk (<c>segments/{id}/</c>), bytes only: they may be plain PCM or
/// encrypted, this copies them alike. Append-only files go as deltas from the length the peer acknowledged; a
/// <c>.json</c> file (<c>session.json</c>, rewritten whole by rename) goes whole when it changed. Memory is bounded by
/// one 64 KiB chunk per file per call in flight; calls are shipped <see cref="Parallelism"/> at a time.</para>
/// <para>The call path knows nothing of this: a slow or dead peer delays only the copy, never a packet's write.</para>
/// </remarks>
internal sealed class LiveSegmentShipper(
    string nodeName,
    RecordingOptions recording,
    ReplicationOptions options,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<LiveSegmentShipper> logger) : BackgroundService
{
    private const int Parallelism = 8;

    /// <summary>Rounds of chunks per call and peer in one tick: 1 MiB, a new peer's catch-up of a long call over several ticks.</summary>
    private const int MaxRoundsPerTick = 16;

    private const int MaxDropAttempts = 10;

    /// <summary>Per call in progress: per target node, per file, what that node acknowledged.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Dictionary<string, FileProgress>>> _calls = new(StringComparer.Ordinal);

    /// <summary>Copies to drop on a node (the call ended here), with the attempts made.</summary>
    private readonly ConcurrentDictionary<(string Node, string RecordingId), int> _drops = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(options.LiveSegmentInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ShipRoundAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LiveCopyLog.RoundFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping: the graceful stop finalizes every call, and the copies are dropped by the next start's round.
        }
    }

    /// <summary>One round: ship every call's new bytes, drop the copies of calls that ended. Internal for tests.</summary>
    internal async Task ShipRoundAsync(CancellationToken ct)
    {
        var root = RecordingPaths.SegmentsRoot(recording);
        var inProgress = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var (id, targets) in _calls)
        {
            if (!inProgress.Contains(id) && _calls.TryRemove(id, out _))
            {
                foreach (var node in targets.Keys)
                {
                    _drops.TryAdd((node, id), 0);
                }
            }
        }

        var peers = ActivePeers();
        await Parallel.ForEachAsync(inProgress, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, token) =>
        {
            var targets = _calls.GetOrAdd(id, _ => new(StringComparer.Ordinal));
            var chosen = Targets(peers, id);
            foreach (var gone in targets.Keys.Except(chosen))
            {
                targets.TryRemove(gone, out _); // Not active any more: if it returns, it starts from nothing.
            }

            foreach (var node in chosen)
            {
                await ShipAsync(Path.Combine(root, id), id, node, targets.GetOrAdd(node, _ => new(StringComparer.Ordinal)), token);
            }
        });

        await DropEndedAsync(peers, ct);
    }

    /// <summary>The nodes that hold this call's copies: <see cref="ReplicationOptions.LiveSegmentCopies"/> of the active peers, spread by id.</summary>
    internal IReadOnlyList<string> Targets(IReadOnlyList<string> peers, string recordingId)
    {
        if (peers.Count == 0)
        {
            return [];
        }

        var count = Math.Min(options.LiveSegmentCopies, peers.Count);
        var first = (int)((uint)StringComparer.Ordinal.GetHashCode(recordingId) % (uint)peers.Count);
        return [.. Enumerable.Range(0, count).Select(i => peers[(first + i) % peers.Count])];
    }

    private IReadOnlyList<string> ActivePeers() =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !string.Equals(m.Name, nodeName, StringComparison.Ordinal))
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private async Task ShipAsync(string directory, string id, string node, Dictionary<string, FileProgress> files, CancellationToken ct)
    {
        var grain = grains.GetGrain<ILiveCopyGrain>(node);
        try
        {
            for (var round = 0; round < MaxRoundsPerTick; round++)
            {
                var (chunks, complete) = ReadDeltas(directory, files);
                if (chunks.Count == 0)
                {
                    return;
                }

                var lengths = await grain.AppendAsync(new LiveSegmentBatch(id, nodeName, silo.SiloAddress.ToParsableString(), chunks))
                    .WaitAsync(options.PeerTimeout, ct);
                for (var i = 0; i < chunks.Count; i++)
                {
                    Acknowledge(files, chunks[i], lengths[i]);
                }

                if (complete)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Retried from the acknowledged lengths next round.
            LiveCopyLog.ShipFailed(logger, id, node, ex);
        }
    }

    /// <summary>What each file gained since the peer's acknowledged length (at most one chunk each); complete when nothing more is left.</summary>
    private static (List<LiveSegmentChunk> Chunks, bool Complete) ReadDeltas(string directory, Dictionary<string, FileProgress> files)
    {
        var chunks = new List<LiveSegmentChunk>();
        var complete = true;
        IEnumerable<string> paths;
        try
        {
            paths = Directory.GetFiles(directory);
        }
        catch (DirectoryNotFoundException)
        {
            return (chunks, true); // Finalized meanwhile.
        }

        foreach (var path in paths)
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".tmp", StringComparison.Ordinal) || name.EndsWith(".upsampled", StringComparison.Ordinal) || name.StartsWith('.'))
            {
                continue; // The finalizer's and the atomic writes' temporary files.
            }

            try
            {
                var info = new FileInfo(path);
                var progress = files.GetValueOrDefault(name);
                var written = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
                if (name.EndsWith(".json", StringComparison.Ordinal))
                {
                    if (progress is { } sent && sent.Length == info.Length && sent.LastWriteUtc == written)
                    {
                        continue;
                    }

                    var bytes = File.ReadAllBytes(path);
                    if (bytes.Length <= INodeLocalStore.MaxChunkBytes)
                    {
                        chunks.Add(new LiveSegmentChunk(name, 0, Replace: true, written, bytes));
                    }

                    continue;
                }

                var from = progress?.Reset == true ? 0 : progress?.Length ?? 0;
                if (info.Length <= from && progress?.Reset != true)
                {
                    continue;
                }

                var length = (int)Math.Min(INodeLocalStore.MaxChunkBytes, info.Length - from);
                var buffer = new byte[length];
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                {
                    file.Position = from;
                    length = file.ReadAtLeast(buffer, length, throwOnEndOfStream: false);
                }

                complete &= from + length >= info.Length;
                chunks.Add(new LiveSegmentChunk(name, from, progress?.Reset == true, written, length == buffer.Length ? buffer : buffer[..length]));
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Deleted by the finalizer meanwhile.
            }
        }

        return (chunks, complete);
    }

    private static void Acknowledge(Dictionary<string, FileProgress> files, LiveSegmentChunk chunk, long length)
    {
        var expected = chunk.Replace ? chunk.Bytes.Length : chunk.Offset + chunk.Bytes.Length;
        files[chunk.FileName] = length == expected || length <= chunk.Offset + chunk.Bytes.Length
            ? new FileProgress(length, chunk.LastWriteUtc, Reset: false)

            // The peer holds more than this file has (it kept a copy from a previous incarnation): rewrite it.
            : new FileProgress(0, chunk.LastWriteUtc, Reset: true);
    }

    private async Task DropEndedAsync(IReadOnlyList<string> peers, CancellationToken ct)
    {
        foreach (var ((node, id), attempts) in _drops)
        {
            if (!peers.Contains(node, StringComparer.Ordinal) || attempts >= MaxDropAttempts)
            {
                // Gone (it finalizes the copy when declared dead, and the catalog keeps the longer one) or unreachable.
                _drops.TryRemove((node, id), out _);
                continue;
            }

            try
            {
                await grains.GetGrain<ILiveCopyGrain>(node).DropAsync(id).WaitAsync(options.PeerTimeout, ct);
                _drops.TryRemove((node, id), out _);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _drops[(node, id)] = attempts + 1;
                LiveCopyLog.ShipFailed(logger, id, node, ex);
            }
        }
    }

    /// <param name="Length">The peer's length of the file (for a <c>.json</c> file, the length sent).</param>
    /// <param name="LastWriteUtc">The source's last write time when sent.</param>
    /// <param name="Reset">Send from 0, replacing the peer's copy.</param>
    private sealed record FileProgress(long Length, DateTimeOffset LastWriteUtc, bool Reset);
}
