using Microsoft.Extensions.Caching.Memory;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The waveforms already computed, so a recording viewed again is not decoded again (an hour of Opus is seconds of
/// CPU). Keyed by recording id, the stored file's SHA-256 (a re-written file is a new key) and bucket count; bounded
/// by the bytes of the peaks it holds, least recently used first out.
/// </summary>
internal sealed class PeaksCache : IDisposable
{
    /// <summary>About 5,000 waveforms of 800 stereo buckets (6.4 kB each).</summary>
    public const long CapacityBytes = 32L * 1024 * 1024;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CapacityBytes, CompactionPercentage = 0.25 });

    /// <summary>The cached peaks, else <paramref name="compute"/>'s, kept unless null (nothing to show: not cached).</summary>
    public async Task<PeaksDto?> GetOrAddAsync(string id, string sha256, int buckets, Func<Task<PeaksDto?>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var key = $"{id}/{sha256}/{buckets}";
        if (_cache.TryGetValue(key, out PeaksDto? cached) && cached is not null)
        {
            return cached;
        }

        var peaks = await compute();
        if (peaks is null)
        {
            return null;
        }

        _cache.Set(key, peaks, new MemoryCacheEntryOptions { Size = SizeOf(peaks) });
        return peaks;
    }

    public void Dispose() => _cache.Dispose();

    private static long SizeOf(PeaksDto peaks) => 64 + peaks.Channels.Sum(c => 32 + (2L * (c.Min.Length + c.Max.Length)));
}
