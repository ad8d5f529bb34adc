using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>DTMF (RFC 4733 events) goes into the manifest with its place in the audio; masked for PCI DSS.</summary>
public sealed class DtmfRecordingTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task DigitsAndTheirTimesAreInTheManifestPlacedAfterTheLegsLeadingSilence()
    {
        var result = await RecordAsync("dtmf", mask: false);

        Assert.Collection(result.Manifest.Dtmf,
            d =>
            {
                Assert.Equal(("nearEnd", "1", false, 120), (d.Leg, d.Digit, d.Masked, d.DurationMilliseconds));
                Assert.Equal(0.5, d.OffsetSeconds);
            },
            d =>
            {
                // The far end started 250 ms later: its event at 1 s into its leg is at 1.25 s in the audio.
                Assert.Equal(("farEnd", "#", false, 200), (d.Leg, d.Digit, d.Masked, d.DurationMilliseconds));
                Assert.Equal(1.25, d.OffsetSeconds);
            });
        var json = await File.ReadAllTextAsync(result.ManifestPath, TestContext.Current.CancellationToken);
        Assert.Contains("\"digit\":\"#\"", json.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaskedDigitsKeepOnlyThatAKeyWasPressedAndWhenAndNeverReachTheDisk()
    {
        var result = await RecordAsync("dtmf-masked", mask: true);

        Assert.All(result.Manifest.Dtmf, d =>
        {
            Assert.Null(d.Digit);
            Assert.True(d.Masked);
        });
        Assert.Equal([0.5, 1.25], result.Manifest.Dtmf.Select(d => d.OffsetSeconds!.Value));
        var json = await File.ReadAllTextAsync(result.ManifestPath, TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(json);
        foreach (var dtmf in document.RootElement.GetProperty("dtmf").EnumerateArray())
        {
            // Null values are left out of the manifest: no digit at all.
            Assert.False(dtmf.TryGetProperty("digit", out _));
            Assert.True(dtmf.GetProperty("masked").GetBoolean());
        }
    }

    [Fact]
    public async Task MaskedDigitsAreNotInTheSessionFileWhileTheCallRuns()
    {
        var options = new RecordingOptions { DataDirectory = _directory.Path, MaskDtmf = true };
        var session = RecordingSession.Create(options, RecordingSessionTests.Info("dtmf-live"), _time);
        session.NearEnd.OnTelephoneEvent(7, 0, 100);
        await session.DisposeAsync();

        var state = await File.ReadAllTextAsync(
            Path.Combine(RecordingPaths.SegmentDirectory(options, "dtmf-live"), RecordingPaths.SessionFileName), TestContext.Current.CancellationToken);
        Assert.Contains("\"masked\":true", state.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\"7\"", state, StringComparison.Ordinal);
    }

    private async Task<FinalizedRecording> RecordAsync(string id, bool mask)
    {
        var options = new RecordingOptions { DataDirectory = _directory.Path, MaskDtmf = mask };
        var session = RecordingSession.Create(options, RecordingSessionTests.Info(id), _time);
        session.NearEnd.OnSampleRate(8000);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(new short[16000]);
        session.NearEnd.OnTelephoneEvent(1, 4000, 120);
        _time.Advance(TimeSpan.FromMilliseconds(250));

        // A wideband far end: its offsets count at 16 kHz.
        session.FarEnd.OnSampleRate(16000);
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.Write(new short[32000]);
        session.FarEnd.OnTelephoneEvent(11, 16000, 200);
        return await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);
    }
}
