using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>A hold (re-INVITE <c>a=inactive</c>, then <c>sendrecv</c>) keeps the recording and is listed in its manifest.</summary>
public sealed class HoldPauseTests : IDisposable
{
    private static readonly DateTimeOffset CallStart = new(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(CallStart);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AHoldAndResumeBecomeOnePausePlacedInTheAudio()
    {
        var session = RecordingSession.Create(Options(), RecordingSessionTests.Info("hold"), _time);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(new short[8000]);
        session.FarEnd.Write(new short[8000]);

        _time.Advance(TimeSpan.FromSeconds(1));
        var holdAt = _time.GetUtcNow();
        session.MarkPause(LegRole.NearEnd, paused: true, RecordingPause.HoldReason, holdAt);
        session.MarkPause(LegRole.NearEnd, paused: true, RecordingPause.HoldReason, holdAt.AddSeconds(1)); // a second hold re-INVITE
        _time.Advance(TimeSpan.FromSeconds(2.5));
        session.MarkPause(LegRole.NearEnd, paused: false, RecordingPause.HoldReason, _time.GetUtcNow());
        session.MarkPause(LegRole.NearEnd, paused: false, RecordingPause.HoldReason, _time.GetUtcNow()); // resume without a hold

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var pause = Assert.Single(result.Manifest.Pauses);
        Assert.Equal(("nearEnd", "hold"), (pause.Leg, pause.Reason));
        Assert.Equal(holdAt, pause.StartedAt);
        Assert.Equal(holdAt.AddSeconds(2.5), pause.EndedAt);
        Assert.Equal(1.0, pause.OffsetSeconds); // the audio starts at the first packet, 0.5 s after the INVITE
        Assert.Equal(2.5, pause.DurationSeconds);

        var written = JsonSerializer.Deserialize(await File.ReadAllTextAsync(result.ManifestPath, TestContext.Current.CancellationToken),
            RecordingJsonContext.Default.RecordingManifest);
        Assert.Equal(result.Manifest.Pauses, written!.Pauses);
    }

    [Fact]
    public async Task APauseStillOpenAtTheEndLastsUntilTheEndAndEachLegHasItsOwn()
    {
        var session = RecordingSession.Create(Options(), RecordingSessionTests.Info("open"), _time);
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.Write(new short[800]);
        session.MarkPause(LegRole.FarEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(1));
        session.MarkPause(LegRole.NearEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(3));

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        Assert.Equal(
            [("farEnd", 0.0, 4.0), ("nearEnd", 0.1, 3.0)],
            result.Manifest.Pauses.Select(p => (p.Leg, p.OffsetSeconds!.Value, p.DurationSeconds!.Value)));
        Assert.All(result.Manifest.Pauses, p => Assert.Equal(CallStart.AddSeconds(4), p.EndedAt));
    }

    [Fact]
    public async Task TheSessionFileKeepsTheOpenPauseForRecovery()
    {
        var session = RecordingSession.Create(Options(), RecordingSessionTests.Info("kept"), _time);
        session.MarkPause(LegRole.NearEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());

        await session.DisposeAsync();

        var path = Path.Combine(RecordingPaths.SegmentDirectory(Options(), "kept"), RecordingPaths.SessionFileName);
        var state = JsonSerializer.Deserialize(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken),
            RecordingJsonContext.Default.SessionState);
        var pause = Assert.Single(state!.Pauses);
        Assert.Equal(("nearEnd", CallStart, (DateTimeOffset?)null), (pause.Leg, pause.StartedAt, pause.EndedAt));
    }

    private RecordingOptions Options() => new() { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) };
}
