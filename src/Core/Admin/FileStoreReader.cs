using System.Runtime.CompilerServices;

namespace OrleansRecorder.Silo.Admin;

/// <summary><see cref="IStoreReader"/> on a node's data directory (the folder that holds <c>recordings/</c>).</summary>
internal sealed class FileStoreReader : IStoreReader
{
    public const string RecordingsFolder = "recordings";

    public FileStoreReader(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        Root = Path.GetFullPath(dataDirectory);
    }

    /// <summary>The data directory, full path.</summary>
    public string Root { get; }

    public string Description => $"store {Root}";

    /// <summary>True when the data directory has a <c>recordings/</c> folder (an empty one counts).</summary>
    public bool HasRecordingsFolder => Directory.Exists(Path.Combine(Root, RecordingsFolder));

    /// <summary>The full path of a store-relative name.</summary>
    public string FullPath(string name) => Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));

    public Task<long?> CountManifestsAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        foreach (var _ in EnumerateManifests())
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
        }

        return Task.FromResult<long?>(count);
    }

    public async IAsyncEnumerable<StoreFile> ListManifestsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var file in EnumerateManifests())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new StoreFile(Path.GetRelativePath(Root, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file.Length);
        }
    }

    public async Task<byte[]?> ReadAllAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(FullPath(name), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<long?> GetSizeAsync(string name, CancellationToken cancellationToken)
    {
        var file = new FileInfo(FullPath(name));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public async Task<bool> CopyToAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        FileStream source;
        try
        {
            source = new FileStream(FullPath(name), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        await using (source)
        {
            await source.CopyToAsync(destination, cancellationToken);
        }

        return true;
    }

    private IEnumerable<FileInfo> EnumerateManifests()
    {
        var recordings = new DirectoryInfo(Path.Combine(Root, RecordingsFolder));
        if (!recordings.Exists)
        {
            return [];
        }

        // "*.json" alone would also match "x.jsonx" on Windows (8.3 names); temporary files end in ".json.tmp".
        return recordings
            .EnumerateFiles("*.json", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false })
            .Where(f => f.Name.EndsWith(".json", StringComparison.Ordinal));
    }
}
