using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>RFC 3389 comfort noise: the silence a sender suppresses is filled with noise at the level it signalled.</summary>
public sealed class ComfortNoiseTests
{
    private const uint Ssrc = 0x3389;

    [Theory]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(70)]
    public void GeneratorHasTheRmsOfTheLevelInMinusDbov(int level)
    {
        // RFC 3389 §3.1: level in -dBov, 0 dBov being the full-scale square wave (RMS 32767).
        var generator = new ComfortNoiseGenerator();
        generator.SetLevel(level);
        var noise = new short[16000];
        generator.Fill(noise);

        Assert.InRange(ToneLevel.Decibels(ToneLevel.Rms(noise), 32767), -level - 0.5, -level + 0.5);
    }

    [Fact]
    public void TheReservedTopBitOfTheLevelIsIgnored()
    {
        var generator = new ComfortNoiseGenerator();
        generator.SetLevel(0x80 | 40);
        Assert.Equal(40, generator.Level);
    }

    [Fact]
    public void CnPacketFillsTheSilenceWithNoiseCountedApartFromLoss()
    {
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(1), 1000);
        reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        var speech = new byte[160];
        Array.Fill(speech, (byte)0x10);
        for (var i = 0; i < 5; i++)
        {
            reorderer.Push((ushort)i, (uint)(160 * i), Ssrc, 0, 20 * i, speech);
        }

        // RFC 3389 §4: a CN packet (PT 13) at the start of the silence, level 45 -dBov, then nothing for one second.
        reorderer.Push(5, 800, Ssrc, 13, 100, [45]);
        reorderer.Push(6, 800 + 8000, Ssrc, 0, 1100, speech);
        reorderer.Flush();
        var stats = reorderer.GetStats(0, 0, 0);

        Assert.Equal((6 * 160) + 8000, sink.Count);
        Assert.Empty(sink.Silences);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0, stats.GapSamples);
        Assert.Equal(0, stats.Gaps);
        Assert.Equal(1, stats.ComfortNoisePackets);
        Assert.Equal(8000, stats.ComfortNoiseSamples);
        var noise = sink.Samples.AsSpan(800, 8000);
        Assert.InRange(ToneLevel.Decibels(ToneLevel.Rms(noise), 32767), -46, -44);
    }

    [Fact]
    public void LossAfterSpeechStaysSilenceAndCountsAsAGap()
    {
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(1), 1000);
        reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        var speech = new byte[160];
        reorderer.Push(0, 0, Ssrc, 0, 0, speech);
        reorderer.Push(2, 320, Ssrc, 0, 40, speech);
        reorderer.Flush();

        Assert.Equal([160], sink.Silences);
        Assert.Equal(0, reorderer.GetStats(0, 0, 0).ComfortNoiseSamples);
    }
}
