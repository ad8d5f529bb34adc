using OrleansRecorder.Grains.Maintenance;

namespace OrleansRecorder.Tests.Unit.Maintenance;

public sealed class ExportFileNamePatternTests
{
    private static readonly DateTimeOffset Started = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    [Fact]
    public void TokensAreReplacedWithUtcTimesAndValues()
    {
        var pattern = Parse("{date:yyyyMMdd}_{time:HHmmss}_{near}_{far}_{id}");
        Assert.Equal("20260304_030607_1001_+4930123_abc123", pattern.Format(Started, "1001", "+4930123", "abc123"));
    }

    [Fact]
    public void DateAndTimeHaveDefaultFormats() =>
        Assert.Equal("20260304-030607-x", Parse("{date}-{time}-{id}").Format(Started, null, null, "x"));

    [Theory]
    [InlineData("../../etc/passwd", "_.._etc_passwd_id")]
    [InlineData("a/b\\c", "a_b_c_id")]
    [InlineData("sip:1001@cucm", "sip_1001_cucm_id")]
    [InlineData("", "unknown_id")]
    [InlineData(null, "unknown_id")]
    [InlineData("Grüße 1", "Gr__e_1_id")]
    public void ValuesAreSanitized(string? near, string expected) =>
        Assert.Equal(expected, Parse("{near}_{id}").Format(Started, near, null, "id"));

    [Fact]
    public void ALeadingDotNeverMakesAHiddenFile() =>
        Assert.Equal("x", Parse("{near}{id}").Format(Started, "..", null, "x"));

    [Fact]
    public void LongValuesAreCut()
    {
        var name = Parse("{near}_{id}").Format(Started, new string('9', 500), null, "id");
        Assert.Equal(new string('9', 64) + "_id", name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{date}_{near}")]
    [InlineData("{id}/{near}")]
    [InlineData("{id}\\x")]
    [InlineData("{id}_{unknown}")]
    [InlineData("{id}_{near")]
    [InlineData("{id}}")]
    [InlineData("{date:yyyy/MM}_{id}")]
    [InlineData("{near:x}_{id}")]
    public void InvalidPatternsAreRejectedWithAReason(string? text)
    {
        Assert.False(ExportFileNamePattern.TryParse(text, out var pattern, out var error));
        Assert.Null(pattern);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    private static ExportFileNamePattern Parse(string text)
    {
        Assert.True(ExportFileNamePattern.TryParse(text, out var pattern, out var error), error);
        return pattern;
    }
}
