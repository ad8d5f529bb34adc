using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>
/// The gap ledger (issue #15 item 5): every interval missing from a channel, whatever the cause, with start, length and
/// reason; per channel, received audio plus the ledger is the call's length exactly.
/// </summary>
public sealed class GapLedgerTests : IDisposable
{
    private static readonly DateTimeOffset CallStart = new(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(CallStart);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task NoMediaYet_ALateLeg_PacketLoss_AndTheTailAfterTheLastPacket_AreEachAGapThatAddsUpToTheCall()
    {
        var session = Create("mixed");
        _time.Advance(TimeSpan.FromMilliseconds(500));
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(200));
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Tone(8000));
        session.NearEnd.WriteSilence(800); // 100 ms the receiver filled: packets that never came
        session.NearEnd.Write(Tone(8000));
        session.FarEnd.Write(Tone(16000));
        _time.Advance(TimeSpan.FromSeconds(3.3)); // the call ends 4 s after the INVITE

        var manifest = (await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct)).Manifest;

        Assert.Equal(32000, manifest.CallSamples);
        Assert.Equal(
            [
                ("nearEnd", 0, "no-media", -4000L, 4000L),
                ("nearEnd", 0, "packet-loss", 8000L, 800L),
                ("nearEnd", 0, "no-media", 16800L, 11200L),
                ("farEnd", 1, "no-media", -4000L, 4000L),
                ("farEnd", 1, "late-leg", 0L, 1600L),
                ("farEnd", 1, "no-media", 17600L, 10400L),
            ],
            manifest.Gaps.Select(g => (g.Leg, g.Channel, g.Reason, g.StartSample, g.Samples)));
        Assert.Equal((-0.5, 0.5), (manifest.Gaps[0].OffsetSeconds, manifest.Gaps[0].DurationSeconds));
        Assert.Equal((1.0, 0.1), (manifest.Gaps[1].OffsetSeconds, manifest.Gaps[1].DurationSeconds));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task AHoldTheReceiverFilledIsAHoldGap_AnOperatorPauseIsAnOperatorGap_EvenWhereAHoldOverlapsIt()
    {
        var session = Create("paused");
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Tone(8000));
        session.FarEnd.Write(Tone(8000));
        _time.Advance(TimeSpan.FromSeconds(1));
        session.MarkPause(LegRole.NearEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());
        session.SetOperatorPause(true, "alice", _time.GetUtcNow());
        session.FarEnd.Write(Tone(16000)); // came during the operator's pause: written as silence
        _time.Advance(TimeSpan.FromSeconds(2));
        session.SetOperatorPause(false, "alice", _time.GetUtcNow());
        session.MarkPause(LegRole.NearEnd, paused: false, RecordingPause.HoldReason, _time.GetUtcNow());
        session.NearEnd.WriteSilence(16000); // the receiver fills the held time when the near end sends again
        session.NearEnd.Write(Tone(8000));
        session.FarEnd.Write(Tone(8000));
        _time.Advance(TimeSpan.FromSeconds(1));

        var manifest = (await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct)).Manifest;

        Assert.Equal(
            [("nearEnd", "hold", 8000L, 16000L), ("farEnd", "operator", 8000L, 16000L)],
            manifest.Gaps.Select(g => (g.Leg, g.Reason, g.StartSample, g.Samples)));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task AFillThatBeginsBeforeAHoldIsCutAtTheHold_AndAHoldOpenAtTheEndCutsTheTail()
    {
        var session = Create("cut");
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Tone(8000));
        session.FarEnd.Write(Tone(8000));
        _time.Advance(TimeSpan.FromSeconds(1.25)); // the near end stops sending 250 ms before its hold re-INVITE
        session.MarkPause(LegRole.NearEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(1));
        session.MarkPause(LegRole.NearEnd, paused: false, RecordingPause.HoldReason, _time.GetUtcNow());
        session.NearEnd.WriteSilence(10000); // filled from its last packet until it sent again
        session.NearEnd.Write(Tone(8000));
        session.FarEnd.WriteSilence(10000);
        session.FarEnd.Write(Tone(8000));
        _time.Advance(TimeSpan.FromSeconds(1.5)); // the far end: 0.5 s without a packet, then held until the end
        session.MarkPause(LegRole.FarEnd, paused: true, RecordingPause.HoldReason, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(1));

        var manifest = (await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct)).Manifest;

        Assert.Equal(38000, manifest.CallSamples);
        Assert.Equal(
            [
                ("nearEnd", "packet-loss", 8000L, 2000L),
                ("nearEnd", "hold", 10000L, 8000L),
                ("nearEnd", "no-media", 26000L, 12000L),
                ("farEnd", "packet-loss", 8000L, 10000L),
                ("farEnd", "no-media", 26000L, 4000L),
                ("farEnd", "hold", 30000L, 8000L),
            ],
            manifest.Gaps.Select(g => (g.Leg, g.Reason, g.StartSample, g.Samples)));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task ASenderSilentWithoutLossIsNoMedia_ComfortNoiseIsNotAGap()
    {
        var session = Create("silent");
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Tone(8000));
        session.NearEnd.WriteSilence(4000, Silo.Media.SilenceCause.NoPackets);
        session.NearEnd.WriteSilence(80, Silo.Media.SilenceCause.ComfortNoise);
        session.NearEnd.WriteSilence(320, Silo.Media.SilenceCause.PacketLoss);
        session.NearEnd.Write(Tone(3600));
        session.FarEnd.Write(Tone(16000));
        _time.Advance(TimeSpan.FromSeconds(2));

        var manifest = (await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct)).Manifest;

        Assert.Equal(
            [("no-media", 8000L, 4000L), ("packet-loss", 12080L, 320L)],
            manifest.Gaps.Select(g => (g.Reason, g.StartSample, g.Samples)));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task ALegThatNeverSentIsOneNoMediaGapOverTheWholeCall()
    {
        var session = Create("one-leg");
        _time.Advance(TimeSpan.FromMilliseconds(300));
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Tone(16000));
        _time.Advance(TimeSpan.FromSeconds(2));

        var manifest = (await session.FinalizeAsync(RecordingStatus.Partial, null, null, ["far-end-no-audio"], Ct)).Manifest;

        var far = Assert.Single(manifest.Gaps, g => g.Channel == 1);
        Assert.Equal(("no-media", -2400L, manifest.CallSamples!.Value), (far.Reason, far.StartSample, far.Samples));
        Assert.Equal(18400, manifest.CallSamples);
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task ATailEndsWithItsCause_MediaTimeoutOfThatLeg_OrNodeDeathForAnInterruptedRecording()
    {
        var timedOut = Create("timeout");
        timedOut.NearEnd.OnFirstPacket(_time.GetTimestamp());
        timedOut.FarEnd.OnFirstPacket(_time.GetTimestamp());
        timedOut.NearEnd.Write(Tone(8000));
        timedOut.FarEnd.Write(Tone(24000));
        _time.Advance(TimeSpan.FromSeconds(3));
        var manifest = (await timedOut.FinalizeAsync(RecordingStatus.Partial, null, null, ["near-end-media-timeout"], Ct)).Manifest;
        Assert.Equal([("nearEnd", "media-timeout", 8000L, 16000L)], manifest.Gaps.Select(g => (g.Leg, g.Reason, g.StartSample, g.Samples)));
        AssertLedgerAddsUp(manifest);

        var interrupted = Create("interrupted");
        interrupted.NearEnd.OnFirstPacket(_time.GetTimestamp());
        interrupted.FarEnd.OnFirstPacket(_time.GetTimestamp());
        interrupted.NearEnd.Write(Tone(8000));
        interrupted.FarEnd.Write(Tone(8000));
        _time.Advance(TimeSpan.FromSeconds(5));
        manifest = (await interrupted.FinalizeAsync(RecordingStatus.Interrupted, null, null, [], Ct)).Manifest;
        Assert.Equal(
            [("nearEnd", "node-death", 8000L, 32000L), ("farEnd", "node-death", 8000L, 32000L)],
            manifest.Gaps.Select(g => (g.Leg, g.Reason, g.StartSample, g.Samples)));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task ManyShortLossesAreListedUpToTheLimitAndTheRestSummedInOneEntry_TheSumStaysExact()
    {
        var session = Create("lossy");
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        var losses = GapLedger.MaxListedPerChannel + 50;
        for (var i = 0; i < losses; i++)
        {
            session.NearEnd.Write(Tone(160));
            session.NearEnd.WriteSilence(160);
        }

        session.FarEnd.Write(Tone(losses * 320));
        _time.Advance(TimeSpan.FromSeconds(losses * 0.04));

        var manifest = (await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct)).Manifest;

        var near = manifest.Gaps.Where(g => g.Channel == 0).ToList();
        Assert.Equal(GapLedger.MaxListedPerChannel + 1, near.Count);
        Assert.All(near[..^1], g => Assert.Equal((1, 160L), (g.Count, g.Samples)));
        Assert.Equal((50, 50 * 160L, (GapLedger.MaxListedPerChannel * 320L) + 160), (near[^1].Count, near[^1].Samples, near[^1].StartSample));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public async Task ANarrowbandLegInAWidebandRecordingHasItsGapsAtTheRecordingsRate()
    {
        var session = Create("wideband");
        session.NearEnd.OnSampleRate(16000);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Tone(32000));
        session.FarEnd.Write(Tone(4000));
        session.FarEnd.WriteSilence(800);
        session.FarEnd.Write(Tone(11200));
        _time.Advance(TimeSpan.FromSeconds(2));

        var manifest = (await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], Ct)).Manifest;

        Assert.Equal(16000, manifest.SampleRate);
        Assert.Equal([("farEnd", "packet-loss", 8000L, 1600L)], manifest.Gaps.Select(g => (g.Leg, g.Reason, g.StartSample, g.Samples)));
        AssertLedgerAddsUp(manifest);
    }

    [Fact]
    public void TheJournalMergesTouchingRecords_IgnoresATornLastRecord_AndClipsToTheSegment()
    {
        var segment = Path.Combine(_directory.Path, "near.pcm");
        var bytes = new byte[(LegGapJournal.RecordSize * 4) + 5];
        LegGapJournal.Encode(bytes, 100, 50, LegGapJournal.FillKind);
        LegGapJournal.Encode(bytes.AsSpan(LegGapJournal.RecordSize), 150, 50, LegGapJournal.FillKind);
        LegGapJournal.Encode(bytes.AsSpan(LegGapJournal.RecordSize * 2), 200, 50, LegGapJournal.OperatorKind);
        LegGapJournal.Encode(bytes.AsSpan(LegGapJournal.RecordSize * 3), 900, 500, LegGapJournal.FillKind);
        File.WriteAllBytes(LegGapJournal.PathFor(segment), bytes);

        Assert.Equal(
            [new LegGap(100, 100, LegGapJournal.FillKind), new LegGap(200, 50, LegGapJournal.OperatorKind), new LegGap(900, 100, LegGapJournal.FillKind)],
            LegGapJournal.Read(segment, legSamples: 1000));
        Assert.Empty(LegGapJournal.Read(Path.Combine(_directory.Path, "far.pcm"), 1000));
    }

    /// <summary>Per channel: what the party sent (its samples less the silences written for it) plus its gaps is the call.</summary>
    internal static void AssertLedgerAddsUp(RecordingManifest manifest)
    {
        var call = Assert.IsType<long>(manifest.CallSamples);
        foreach (var (channel, party) in new[] { (0, manifest.NearEnd), (1, manifest.FarEnd) })
        {
            var gaps = manifest.Gaps.Where(g => g.Channel == channel).ToList();
            var inAudio = gaps.Where(g => g.StartSample >= 0 && g.StartSample < party.LeadingSilenceSamples + party.Samples && g.StartSample >= party.LeadingSilenceSamples)
                .Sum(g => g.Samples);
            Assert.Equal(call, party.Samples - inAudio + gaps.Sum(g => g.Samples));
        }
    }

    private RecordingSession Create(string id) =>
        RecordingSession.Create(
            new RecordingOptions { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) },
            RecordingSessionTests.Info(id) with { StartedAt = _time.GetUtcNow() },
            _time);

    private static short[] Tone(int samples) => Enumerable.Repeat((short)1000, samples).ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
