using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Tests.Unit.Storage.Replication;

/// <summary>
/// An in-memory <see cref="ISharedBlobStore"/> that records every audio upload attempt (in order) and can fail the
/// next N of them, or hold one until the test releases it. Manifests (.json) always succeed: the tests count audio.
/// </summary>
internal sealed class FakeSharedBlobStore : ISharedBlobStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TaskCompletionSource Reached, TaskCompletionSource Release)> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _attempts = new();
    private readonly ConcurrentQueue<string> _stored = new();
    private int _failures;
    private int _listings;

    public bool IsEnabled => true;

    /// <summary>Audio uploads attempted, by blob name, in order (failed ones included).</summary>
    public IReadOnlyList<string> Attempts => [.. _attempts];

    /// <summary>Audio uploads that succeeded, by blob name, in order.</summary>
    public IReadOnlyList<string> Stored => [.. _stored];

    /// <summary>The next <paramref name="count"/> audio uploads throw, as a store that is down does.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

    /// <summary>The upload of <paramref name="name"/> waits, once it started (the returned task), until <see cref="Release"/>.</summary>
    public Task Hold(string name) => _holds.GetOrAdd(name, _ => (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously))).Reached.Task;

    public void Release(string name) => _holds[name].Release.TrySetResult();

    public bool Has(string name) => _blobs.ContainsKey(name);

    /// <summary>While true, listing the store throws, as a store that is down does.</summary>
    public bool FailListing { get; set; }

    /// <summary>How many times the store was listed (failed listings included).</summary>
    public int Listings => Volatile.Read(ref _listings);

    public async Task UploadAsync(string name, Stream content, string? sha256, string contentType, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            _blobs[name] = buffer.ToArray();
            return;
        }

        _attempts.Enqueue(name);
        if (_holds.TryGetValue(name, out var hold))
        {
            hold.Reached.TrySetResult();
            await hold.Release.Task.WaitAsync(cancellationToken);
        }

        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new IOException($"Shared store down (fake): {name}.");
        }

        var bytes = buffer.ToArray();
        if (sha256 is not null && !string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{name}: bytes do not hash to {sha256}.");
        }

        _blobs[name] = bytes;
        _stored.Enqueue(name);
    }

    public Task<SharedBlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_blobs.TryGetValue(name, out var bytes) ? Info(name, bytes) : null);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => Task.FromResult(_blobs.ContainsKey(name));

    public async IAsyncEnumerable<SharedBlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        Interlocked.Increment(ref _listings);
        if (FailListing)
        {
            throw new IOException("Shared store down (fake): list.");
        }

        foreach (var (name, bytes) in _blobs.Where(b => b.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            yield return Info(name, bytes);
        }
    }

    public async Task DownloadToAsync(string name, Stream destination, CancellationToken cancellationToken) =>
        await destination.WriteAsync(_blobs.TryGetValue(name, out var bytes) ? bytes : throw new FileNotFoundException(name), cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => Task.FromResult(_blobs.TryRemove(name, out _));

    private static SharedBlobInfo Info(string name, byte[] bytes) =>
        new(name, bytes.Length, name.EndsWith(".json", StringComparison.Ordinal) ? null : Convert.ToHexStringLower(SHA256.HashData(bytes)));
}
