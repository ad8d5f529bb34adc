using System.Text.Json;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>Which problems a manifest has (the catalog's <c>problems</c> column): the same rules as migration 6's SQL.</summary>
public sealed class RecordingProblemsTests
{
    [Theory]
    [InlineData("""{"flags":[]}""", null)]
    [InlineData("""{}""", null)]
    [InlineData("""{"flags":["far-end-missing","near-end-wrong-source"]}""", null)]
    [InlineData("""{"flags":["near-end-media-timeout"]}""", "media-timeout")]
    [InlineData("""{"flags":["far-end-no-audio","far-end-no-ack"]}""", "no-media")]
    [InlineData("""{"flags":["far-end-no-media"]}""", "no-media")]
    [InlineData("""{"gaps":[{"leg":"nearEnd","channel":0,"reason":"hold","offsetSeconds":1,"durationSeconds":2}]}""", null)]
    [InlineData("""{"gaps":[{"leg":"farEnd","channel":1,"reason":"operator","offsetSeconds":1,"durationSeconds":2}]}""", null)]
    [InlineData("""{"gaps":[{"leg":"farEnd","channel":1,"reason":"packet-loss","offsetSeconds":1,"durationSeconds":0.2}]}""", "gaps")]
    [InlineData("""{"gaps":[],"flags":["near-end-media-timeout","near-end-no-audio"]}""", "media-timeout,no-media")]
    [InlineData("""{"gaps":[{"reason":"node-death"}],"flags":["far-end-media-timeout"]}""", "gaps,media-timeout")]
    [InlineData("""{"gaps":null,"flags":null}""", null)]
    public void ProblemsFollowTheFlagsAndTheGapLedger(string manifest, string? expected)
    {
        using var json = JsonDocument.Parse(manifest);
        Assert.Equal(expected, RecordingProblems.Of(json.RootElement));
    }
}
