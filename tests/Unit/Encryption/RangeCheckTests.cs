using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>
/// Which plaintext bytes an encrypted playback authenticates before answering a Range request: the one range of
/// RFC 9110 §14.1.2 (first-last, first-, suffix -length), clipped to the file; nothing for what ASP.NET will not serve
/// as one range.
/// </summary>
public sealed class RangeCheckTests
{
    [Theory]
    [InlineData("bytes=100-199", 1000, 100L, 100L)]
    [InlineData("bytes=900-", 1000, 900L, 100L)]
    [InlineData("bytes=900-5000", 1000, 900L, 100L)]
    [InlineData("bytes=-100", 1000, 900L, 100L)]
    [InlineData("bytes=-5000", 1000, 0L, 1000L)]
    public void OneSatisfiableRangeIsCheckedExactly(string header, long length, long from, long count) =>
        Assert.Equal((from, count), EncryptedAudio.RangeToCheck(header, length));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("items=0-1")]
    [InlineData("bytes=5-1")]
    public void NoRangeOrOneThatIsNotServedAsOneRangeChecksNothing(string? header) =>
        Assert.Null(EncryptedAudio.RangeToCheck(header, 1000));
}
