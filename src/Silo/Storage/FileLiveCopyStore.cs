using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// <see cref="ILiveCopyStore"/> on disk: <c>segments-copies/{id}/</c> holds the files of another node's call in
/// progress, byte for byte as that node's <c>segments/{id}/</c> (so the finalizer reads it as it reads its own), plus
/// <c>.source</c> naming the node and silo that sent it. <see cref="Claim"/> moves a copy to <c>segments-takeover/</c>
/// when its node is declared dead; appends that still arrive for it then start a new copy, which a later takeover
/// finalizes again and the catalog's longer-copy rule settles.
/// </summary>
/// <remarks>
/// Memory is bounded by a chunk: bytes go straight to the file. Writes to one call are serialized by a lock taken from a
/// fixed set (striped by id), so a node holding thousands of copies keeps no per-call lock object.
/// </remarks>
internal sealed class FileLiveCopyStore : ILiveCopyStore
{
    public const string CopiesFolder = "segments-copies";
    public const string TakeoverFolder = "segments-takeover";
    private const string SourceFileName = ".source";
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public FileLiveCopyStore(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        CopiesRoot = Path.Combine(Path.GetFullPath(dataDirectory), CopiesFolder);
        TakeoverRoot = Path.Combine(Path.GetFullPath(dataDirectory), TakeoverFolder);
    }

    public string CopiesRoot { get; }

    public string TakeoverRoot { get; }

    public async Task<IReadOnlyList<long>> AppendAsync(LiveSegmentBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        RecordingPaths.ValidateRecordingId(batch.RecordingId);
        ArgumentException.ThrowIfNullOrWhiteSpace(batch.SourceNode);
        ArgumentException.ThrowIfNullOrWhiteSpace(batch.SourceSilo);
        foreach (var chunk in batch.Chunks)
        {
            ValidateFileName(chunk.FileName);
            ArgumentOutOfRangeException.ThrowIfNegative(chunk.Offset);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(chunk.Bytes.Length, INodeLocalStore.MaxChunkBytes);
        }

        var gate = LockOf(batch.RecordingId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var directory = Path.Combine(CopiesRoot, batch.RecordingId);
            Directory.CreateDirectory(directory);
            var source = Path.Combine(directory, SourceFileName);
            var sourceText = batch.SourceNode + "\n" + batch.SourceSilo;
            if (!File.Exists(source) || File.ReadAllText(source) != sourceText)
            {
                await ReplaceAsync(source, System.Text.Encoding.UTF8.GetBytes(sourceText), cancellationToken);
            }

            var lengths = new long[batch.Chunks.Count];
            for (var i = 0; i < lengths.Length; i++)
            {
                lengths[i] = await ApplyAsync(Path.Combine(directory, batch.Chunks[i].FileName), batch.Chunks[i], cancellationToken);
            }

            return lengths;
        }
        finally
        {
            gate.Release();
        }
    }

    public bool Drop(string recordingId)
    {
        RecordingPaths.ValidateRecordingId(recordingId);
        var gate = LockOf(recordingId);
        gate.Wait();
        try
        {
            var directory = Path.Combine(CopiesRoot, recordingId);
            if (!Directory.Exists(directory))
            {
                return false;
            }

            Directory.Delete(directory, recursive: true);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The copies held now (a directory without a readable <c>.source</c> is still being created: skipped).</summary>
    public IReadOnlyList<LiveCopy> List()
    {
        if (!Directory.Exists(CopiesRoot))
        {
            return [];
        }

        var copies = new List<LiveCopy>();
        foreach (var directory in Directory.EnumerateDirectories(CopiesRoot))
        {
            try
            {
                var lines = File.ReadAllText(Path.Combine(directory, SourceFileName)).Split('\n');
                if (lines.Length == 2)
                {
                    copies.Add(new LiveCopy(Path.GetFileName(directory), lines[0], lines[1]));
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Created or dropped meanwhile.
            }
        }

        return copies;
    }

    /// <summary>
    /// Moves a copy out of reach of further appends, to <c>segments-takeover/{id}</c>, and returns that directory (null
    /// when the copy is gone). A takeover directory left by a crash is reused: its content is the older part.
    /// </summary>
    public string? Claim(string recordingId)
    {
        RecordingPaths.ValidateRecordingId(recordingId);
        var gate = LockOf(recordingId);
        gate.Wait();
        try
        {
            var directory = Path.Combine(CopiesRoot, recordingId);
            if (!Directory.Exists(directory))
            {
                return null;
            }

            Directory.CreateDirectory(TakeoverRoot);
            var target = Path.Combine(TakeoverRoot, recordingId);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(directory, target);
            return target;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Takeovers a killed process left unfinished: finalized at the next start, their node already known dead.</summary>
    public IReadOnlyList<string> Unfinished() =>
        Directory.Exists(TakeoverRoot) ? [.. Directory.EnumerateDirectories(TakeoverRoot)] : [];

    private static async Task<long> ApplyAsync(string path, LiveSegmentChunk chunk, CancellationToken cancellationToken)
    {
        long length;
        if (chunk.Replace)
        {
            if (chunk.Offset != 0)
            {
                return new FileInfo(path) is { Exists: true } existing ? existing.Length : 0;
            }

            await ReplaceAsync(path, chunk.Bytes, cancellationToken);
            length = chunk.Bytes.Length;
        }
        else
        {
            await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1, useAsync: false);
            if (file.Length != chunk.Offset)
            {
                return file.Length; // Out of step: the sender resumes from here.
            }

            file.Position = chunk.Offset;
            await file.WriteAsync(chunk.Bytes, cancellationToken);
            length = file.Length;
        }

        File.SetLastWriteTimeUtc(path, chunk.LastWriteUtc.UtcDateTime);
        return length;
    }

    /// <summary>Rewrites a file whole, by rename: a takeover never reads half a <c>session.json</c>.</summary>
    private static async Task ReplaceAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    private static void ValidateFileName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name is "." or ".." || name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.Ordinal) || name.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || name.Contains('/') || name.Contains('\\'))
        {
            throw new ArgumentException($"'{name}' cannot name a file of a call's copy.", nameof(name));
        }
    }

    private SemaphoreSlim LockOf(string recordingId) => _locks[(StringComparer.Ordinal.GetHashCode(recordingId) & int.MaxValue) % _locks.Length];
}
