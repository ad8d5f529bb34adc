using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

public sealed class OpusFinalizationTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 14, 23, 59, 30, TimeSpan.FromHours(-5)));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task OpusFormatWritesAnOpusFileHashedInAManifestThatSaysOpus()
    {
        var session = RecordingSession.Create(Options("OPUS"), RecordingSessionTests.Info("call-opus"), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        var tones = CallAudio.Tones(1.5, 600, 1400);
        session.NearEnd.Write(OpusTestAudio.Channel(tones, 0));
        session.FarEnd.Write(OpusTestAudio.Channel(tones, 1));

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_directory.Path, "recordings", "2026", "03", "15", "call-opus.opus"), result.AudioPath);
        Assert.False(File.Exists(result.AudioPath + ".tmp"));
        var audio = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(audio)), result.Manifest.Sha256);
        Assert.Equal(audio.Length, result.Manifest.SizeBytes);
        Assert.Equal(1.5, result.Manifest.DurationSeconds, 6);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(result.ManifestPath, TestContext.Current.CancellationToken));
        Assert.Equal("opus", json.RootElement.GetProperty("format").GetString());
        Assert.Equal("audio/ogg", RecordingFormats.ContentType(result.Manifest.Format));

        var pages = OggTestReader.ReadPages(audio);
        var preSkip = BitConverter.ToUInt16(pages[0].Body, 10);
        Assert.Equal(preSkip + 72_000L, pages[^1].GranulePosition);
        var packets = OggTestReader.ReadPackets(pages).Skip(2).Select(p => p.Packet);
        var decoded = OpusTestAudio.DecodeAll(packets, 8000).AsSpan(preSkip / 6 * 2, 12000 * 2);
        var left = OpusTestAudio.Channel(decoded, 0).AsSpan(800);
        var right = OpusTestAudio.Channel(decoded, 1).AsSpan(800);
        Assert.True(Goertzel.Power(left, 600, 8000) > 100 * Goertzel.Power(left, 1400, 8000), "near end (left) should carry 600 Hz");
        Assert.True(Goertzel.Power(right, 1400, 8000) > 100 * Goertzel.Power(right, 600, 8000), "far end (right) should carry 1400 Hz");
    }

    [Fact]
    public async Task AnOpusRecordingWithNoAudioIsAValidEmptyStream()
    {
        var session = RecordingSession.Create(Options("opus"), RecordingSessionTests.Info("silent-opus"), _time);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var pages = OggTestReader.ReadPages(await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken));
        Assert.Equal(BitConverter.ToUInt16(pages[0].Body, 10), pages[^1].GranulePosition);
        Assert.True(pages[^1].IsEndOfStream);
        Assert.Equal("opus", result.Manifest.Format);
        Assert.Contains("no-audio", result.Manifest.Flags);
    }

    [Fact]
    public async Task TheDefaultFormatIsStillWave()
    {
        Assert.Equal("wav", new RecordingOptions().Format);
        var session = RecordingSession.Create(new RecordingOptions { DataDirectory = _directory.Path }, RecordingSessionTests.Info("still-wav"), _time);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        Assert.EndsWith(".wav", result.AudioPath, StringComparison.Ordinal);
        Assert.Equal("wav", result.Manifest.Format);
    }

    [Fact]
    public async Task AnUnknownFormatFailsAndLeavesTheSegmentsForRecovery()
    {
        var session = RecordingSession.Create(Options("mp3"), RecordingSessionTests.Info("bad-format"), _time);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken));

        Assert.True(Directory.Exists(Path.Combine(_directory.Path, "segments", "bad-format")));
    }

    private RecordingOptions Options(string format) => new() { DataDirectory = _directory.Path, Format = format };
}
