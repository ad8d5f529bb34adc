using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Grains.Storage;

/// <summary>
/// The copies of one recording and the failed attempts per target, as reported to its grain. Not thread-safe: the
/// grain's turns serialize it.
/// </summary>
internal sealed class ReplicaState
{
    private readonly Dictionary<string, string> _copies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private string? _lastError;

    /// <summary>Records a landing: the copy at <paramref name="location"/> is this one, and its failures are over.</summary>
    public void Landed(string location, string sha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256);
        _failures.Remove(location);
        _copies[location] = sha256.ToLowerInvariant();
    }

    /// <summary>Forgets the copy at <paramref name="location"/>.</summary>
    public void Removed(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        _copies.Remove(location);
    }

    /// <summary>Counts a failed copy to <paramref name="location"/>.</summary>
    public void Failed(string location, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        _failures[location] = _failures.GetValueOrDefault(location) + 1;
        _lastError = reason;
    }

    public RecordingReplication Snapshot() => new(
        new Dictionary<string, string>(_copies, StringComparer.Ordinal),
        new Dictionary<string, int>(_failures, StringComparer.Ordinal),
        _lastError);
}
