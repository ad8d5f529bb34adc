using System.Collections.Concurrent;
using System.Net;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>
/// Fixed one-second windows of at most <c>perSecond</c> requests per source address, for sources that are not trusted
/// peers: a flood from an untrusted address gets a few 403s and is then dropped before it costs a transaction.
/// </summary>
/// <remarks>
/// Thread-safe. The table is bounded (<see cref="MaxSources"/>): a flood from many spoofed addresses clears it rather
/// than growing memory, which at worst lets a few more requests per window through.
/// </remarks>
internal sealed class SourceRateLimiter(int perSecond, TimeProvider timeProvider)
{
    public const int MaxSources = 4096;
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    public bool TryAcquire(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var second = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (_windows.Count >= MaxSources && !_windows.ContainsKey(source))
        {
            _windows.Clear();
        }

        var window = _windows.AddOrUpdate(
            source,
            static (_, s) => new Window(s, 1),
            static (_, w, s) => w.Second == s ? w with { Count = w.Count + 1 } : new Window(s, 1),
            second);
        return window.Count <= perSecond;
    }

    private readonly record struct Window(long Second, int Count);
}
