using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Media;
using OrleansRecorder.Tests.Unit.Recording.Opus;
using Goertzel = OrleansRecorder.Tests.Unit.Media.Goertzel;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>A call with a wideband leg (G.722, Opus) is recorded at 16 kHz, both channels; a narrowband partner is upsampled.</summary>
public sealed class WidebandRecordingTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WidebandNearEndAndNarrowbandFarEndGiveA16kHzWaveWithBothTonesOnTheirChannels()
    {
        var session = RecordingSession.Create(Options("wav"), RecordingSessionTests.Info("wide"), _time);
        var now = _time.GetTimestamp();
        session.NearEnd.OnSampleRate(16000);
        session.FarEnd.OnSampleRate(8000);
        session.NearEnd.OnFirstPacket(now);
        session.FarEnd.OnFirstPacket(now);

        // 6 kHz exists only at 16 kHz: it proves the near end was not decimated. 1 s each.
        session.NearEnd.Write(Goertzel.Sine(6000, 16000, 16000, amplitude: 8000));
        session.FarEnd.Write(Goertzel.Sine(1000, 8000, 8000, amplitude: 8000));

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var bytes = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(22)));
        Assert.Equal(16000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(64000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)));
        Assert.Equal(16000u * 4, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(1.0, result.Manifest.DurationSeconds, 6);
        Assert.Equal(16000, result.Manifest.SampleRate);
        Assert.Equal(16000, result.Manifest.NearEnd.SampleRate);
        Assert.Equal(8000, result.Manifest.FarEnd.SampleRate);
        Assert.Equal(16000, result.Manifest.FarEnd.Samples);

        var (left, right) = RecordingSessionTests.Channels(result.AudioPath);
        var leftSteady = left.AsSpan(1600, 12800);
        var rightSteady = right.AsSpan(1600, 12800);
        Assert.True(Goertzel.Power(leftSteady, 6000, 16000) > 1000 * Goertzel.Power(leftSteady, 1000, 16000), "near end: 6 kHz kept, alone");
        Assert.True(Goertzel.Power(rightSteady, 1000, 16000) > 1000 * Goertzel.Power(rightSteady, 6000, 16000), "far end: 1 kHz, its image at 7 kHz filtered");
        Assert.True(Goertzel.Power(rightSteady, 1000, 16000) > 300 * Goertzel.Power(rightSteady, 7000, 16000), "upsampling image removed");
        Assert.InRange(ToneLevel.Decibels(ToneLevel.Rms(rightSteady), 8000 / Math.Sqrt(2)), -1, 1);
        Assert.False(Directory.Exists(RecordingPaths.SegmentDirectory(Options("wav"), "wide")), "segments (and the upsampled copy) deleted");
    }

    [Fact]
    public async Task NarrowbandCallsStayAt8kHz()
    {
        var session = RecordingSession.Create(Options("wav"), RecordingSessionTests.Info("narrow"), _time);
        session.NearEnd.OnSampleRate(8000);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(new short[8000]);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        Assert.Equal(8000, result.Manifest.SampleRate);
        Assert.Equal(1.0, result.Manifest.DurationSeconds, 6);
        var bytes = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        Assert.Equal(8000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)));
    }

    [Fact]
    public async Task WidebandOpusRecordingDeclares16kHzAndKeepsItsLength()
    {
        var session = RecordingSession.Create(Options("opus"), RecordingSessionTests.Info("wide-opus"), _time);
        session.NearEnd.OnSampleRate(16000);
        session.FarEnd.OnSampleRate(16000);
        var now = _time.GetTimestamp();
        session.NearEnd.OnFirstPacket(now);
        session.FarEnd.OnFirstPacket(now);
        session.NearEnd.Write(Goertzel.Sine(600, 16000, 32000, amplitude: 8000));
        session.FarEnd.Write(Goertzel.Sine(1400, 16000, 32000, amplitude: 8000));

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        Assert.Equal(16000, result.Manifest.SampleRate);
        Assert.Equal(2.0, result.Manifest.DurationSeconds, 6);
        var pages = OggTestReader.ReadPages(await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken));
        var packets = OggTestReader.ReadPackets(pages);
        var head = packets[0].Packet;
        Assert.Equal(16000u, BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(12)));

        // RFC 7845 §4: granules at 48 kHz; the last one is pre-skip + 2 s × 48000.
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        Assert.Equal(preSkip + 96000L, pages[^1].GranulePosition);
        var decoded = OpusTestAudio.DecodeAll(packets.Skip(2).Select(p => p.Packet), 16000);
        var left = OpusTestAudio.Channel(decoded, 0).AsSpan(3200, 16000);
        var right = OpusTestAudio.Channel(decoded, 1).AsSpan(3200, 16000);
        Assert.True(Goertzel.Power(left, 600, 16000) > 100 * Goertzel.Power(left, 1400, 16000));
        Assert.True(Goertzel.Power(right, 1400, 16000) > 100 * Goertzel.Power(right, 600, 16000));
    }

    private RecordingOptions Options(string format) => new() { DataDirectory = _directory.Path, Format = format };
}
