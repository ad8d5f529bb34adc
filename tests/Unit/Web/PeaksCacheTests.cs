using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Tests.Unit.Web;

/// <summary>A waveform is decoded once per recording file (id and SHA-256) and bucket count, then served from memory.</summary>
public sealed class PeaksCacheTests
{
    [Fact]
    public async Task TheSameFileIsDecodedOnceAndAChangedFileAgain()
    {
        using var cache = new PeaksCache();
        var decodes = 0;
        Task<PeaksDto?> Decode()
        {
            decodes++;
            return Task.FromResult<PeaksDto?>(new PeaksDto(2, 1, [new ChannelPeaksDto("near", [0, 1], [2, 3])]));
        }

        var first = await cache.GetOrAddAsync("rec", "aa", 2, Decode);
        var again = await cache.GetOrAddAsync("rec", "aa", 2, Decode);
        await cache.GetOrAddAsync("rec", "bb", 2, Decode); // the file was written again
        await cache.GetOrAddAsync("rec", "aa", 800, Decode); // another size

        Assert.Same(first, again);
        Assert.Equal(3, decodes);
    }

    [Fact]
    public async Task NothingToShowIsNotCached()
    {
        using var cache = new PeaksCache();
        var decodes = 0;
        Task<PeaksDto?> Nothing()
        {
            decodes++;
            return Task.FromResult<PeaksDto?>(null);
        }

        Assert.Null(await cache.GetOrAddAsync("rec", "aa", 2, Nothing));
        Assert.Null(await cache.GetOrAddAsync("rec", "aa", 2, Nothing));
        Assert.Equal(2, decodes);
    }
}
