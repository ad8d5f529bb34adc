using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>
/// An operator's pause (PCI DSS): audio received while it lasts is written as silence of the same length on both legs,
/// and the manifest marks it on each leg with who paused; a hold on one leg stays its own pause.
/// </summary>
public sealed class OperatorPauseTests : IDisposable
{
    private static readonly DateTimeOffset CallStart = new(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(CallStart);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AudioDuringThePauseIsSilenceOfTheSameLengthAndThePauseIsInTheManifest()
    {
        var session = RecordingSession.Create(Options(), RecordingSessionTests.Info("pci"), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        var tone = Enumerable.Repeat((short)1000, 8000).ToArray();
        session.NearEnd.Write(tone);
        session.FarEnd.Write(tone);

        _time.Advance(TimeSpan.FromSeconds(1));
        session.SetOperatorPause(true, "alice", _time.GetUtcNow());
        session.MarkPause(LegRole.FarEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());
        session.NearEnd.Write(tone);
        session.FarEnd.Write(tone);
        _time.Advance(TimeSpan.FromSeconds(1));
        session.SetOperatorPause(false, "alice", _time.GetUtcNow());
        session.NearEnd.Write(tone);
        session.FarEnd.Write(tone);
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var (left, right) = RecordingSessionTests.Channels(result.AudioPath);
        Assert.Equal(24000, left.Length);
        foreach (var channel in new[] { left, right })
        {
            Assert.All(channel[..8000], s => Assert.Equal(1000, s));
            Assert.All(channel[8000..16000], s => Assert.Equal(0, s));
            Assert.All(channel[16000..], s => Assert.Equal(1000, s));
        }

        var operatorPauses = result.Manifest.Pauses.Where(p => p.Reason == RecordingPause.OperatorReason).ToList();
        Assert.Equal(["farEnd", "nearEnd"], operatorPauses.Select(p => p.Leg).Order());
        Assert.All(operatorPauses, p => Assert.Equal(("alice", 1.0, 1.0), (p.By, p.OffsetSeconds!.Value, p.DurationSeconds!.Value)));

        // The far end's hold began with the pause and was never resumed: its own pause, open to the end.
        var hold = Assert.Single(result.Manifest.Pauses, p => p.Reason == RecordingPause.HoldReason);
        Assert.Equal(("farEnd", 1.0, 2.0), (hold.Leg, hold.OffsetSeconds!.Value, hold.DurationSeconds!.Value));
    }

    private RecordingOptions Options() => new() { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) };
}
