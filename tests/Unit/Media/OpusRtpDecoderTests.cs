using Concentus;
using Concentus.Enums;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>Opus RTP (RFC 7587) decoded at 16 kHz, fed by the Concentus encoder (an independent encoder of the same codec).</summary>
public sealed class OpusRtpDecoderTests
{
    private const uint Ssrc = 0x0905;
    private const int PayloadType = 111;

    /// <summary>Packets of <paramref name="frameMilliseconds"/> from a 16 kHz mono encoder, with in-band FEC on.</summary>
    private static List<byte[]> Encode(short[] pcm16k, int frameMilliseconds, bool fec = false)
    {
        var encoder = OpusCodecFactory.CreateEncoder(16000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        try
        {
            encoder.Bitrate = 24000;
            encoder.UseInbandFEC = fec;
            encoder.PacketLossPercent = fec ? 20 : 0;
            var frame = 16 * frameMilliseconds;
            var packets = new List<byte[]>();
            var buffer = new byte[1500];
            for (var offset = 0; offset + frame <= pcm16k.Length; offset += frame)
            {
                var length = encoder.Encode(pcm16k.AsSpan(offset, frame), frame, buffer, buffer.Length);
                packets.Add(buffer[..length]);
            }

            return packets;
        }
        finally
        {
            (encoder as IDisposable)?.Dispose();
        }
    }

    private static (RecordingPcmSink Sink, RtpJitterReorderer Reorderer) NewLeg()
    {
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(1), 1000);
        reorderer.Configure(AudioCodec.Opus, PayloadType, null);
        return (sink, reorderer);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(60)]
    public void AnyPacketDurationDecodesAt16kHzWithTheToneAtItsFrequencyAndLevel(int frameMilliseconds)
    {
        // RFC 7587 §4.1: the RTP clock is 48 kHz whatever the frame: 48 ticks per millisecond.
        var tone = Goertzel.Sine(1000, 16000, 32000, amplitude: 8000);
        var packets = Encode(tone, frameMilliseconds);
        var (sink, reorderer) = NewLeg();
        for (var i = 0; i < packets.Count; i++)
        {
            reorderer.Push((ushort)(65530 + i), (uint)(48 * frameMilliseconds * i), Ssrc, PayloadType, frameMilliseconds * i, packets[i]);
        }

        reorderer.Flush();

        Assert.Equal(16000, sink.SampleRate);
        Assert.Equal(packets.Count * 16 * frameMilliseconds, sink.Count);
        Assert.Empty(sink.Silences);
        var steady = sink.Samples.AsSpan(3200, 16000);
        var atTone = Goertzel.Power(steady, 1000, 16000);
        Assert.True(atTone > 100 * Goertzel.Power(steady, 2500, 16000), "1 kHz dominates 2.5 kHz");
        Assert.True(atTone > 100 * Goertzel.Power(steady, 5000, 16000), "1 kHz dominates 5 kHz");
        Assert.InRange(ToneLevel.Decibels(ToneLevel.Rms(steady), 8000 / Math.Sqrt(2)), -3, 3);
    }

    [Fact]
    public void ALostPacketIsRecoveredFromTheNextPacketsFecAndReorderingKeepsTheTimeline()
    {
        // RFC 7587 §3.3: with in-band FEC the packet after a loss carries the lost one at lower quality.
        var tone = Goertzel.Sine(700, 16000, 32000, amplitude: 8000);
        var packets = Encode(tone, 20, fec: true);
        var (sink, reorderer) = NewLeg();
        var order = Enumerable.Range(0, packets.Count).Where(i => i != 40).ToList();
        (order[20], order[21]) = (order[21], order[20]);
        foreach (var i in order)
        {
            reorderer.Push((ushort)i, (uint)(960 * i), Ssrc, PayloadType, 20 * i, packets[i]);
        }

        reorderer.Flush();
        var stats = reorderer.GetStats(0, 0, 0);

        Assert.Equal(packets.Count * 320, sink.Count);
        Assert.Equal(1, stats.PacketsLost);
        Assert.Equal(1, stats.PacketsReordered);
        Assert.Equal(0, stats.GapSamples);
        Assert.Empty(sink.Silences);

        // The recovered 20 ms still carries the tone.
        var recovered = sink.Samples.AsSpan(40 * 320, 320);
        Assert.True(ToneLevel.Rms(recovered) > 8000 / Math.Sqrt(2) / 4, "FEC filled the lost packet with the tone");
    }

    [Fact]
    public void WithoutFecALostPacketIsConcealedByTheDecoderForItsDuration()
    {
        var packets = Encode(Goertzel.Sine(700, 16000, 16000, amplitude: 8000), 20);
        var (sink, reorderer) = NewLeg();
        for (var i = 0; i < packets.Count; i++)
        {
            if (i != 10)
            {
                reorderer.Push((ushort)i, (uint)(960 * i), Ssrc, PayloadType, 20 * i, packets[i]);
            }
        }

        reorderer.Flush();

        // RFC 6716 §4.4: the decoder's own loss concealment fills the packet's 20 ms; the loss is still counted.
        Assert.Equal(packets.Count * 320, sink.Count);
        Assert.Empty(sink.Silences);
        Assert.Equal(1, reorderer.GetStats(0, 0, 0).PacketsLost);
    }

    [Fact]
    public void DtxPauseIsFilledByTheTimestampJump()
    {
        // RFC 7587 §3.1.3: with DTX the sender stops; the next packet's timestamp tells how long.
        var packets = Encode(Goertzel.Sine(700, 16000, 16000, amplitude: 8000), 20);
        var (sink, reorderer) = NewLeg();
        for (var i = 0; i < 10; i++)
        {
            reorderer.Push((ushort)i, (uint)(960 * i), Ssrc, PayloadType, 20 * i, packets[i]);
        }

        // 400 ms later, sequence numbers continuous (nothing was lost).
        for (var i = 10; i < 20; i++)
        {
            reorderer.Push((ushort)i, (uint)((960 * i) + 19200), Ssrc, PayloadType, (20 * i) + 400, packets[i]);
        }

        reorderer.Flush();

        Assert.Equal((20 * 320) + 6400, sink.Count);
        Assert.Equal([6400], sink.Silences);
        Assert.Equal(0, reorderer.GetStats(0, 0, 0).PacketsLost);
    }

    [Fact]
    public void ACorruptPacketIsCountedMalformedAndItsTimeBecomesAGap()
    {
        var packets = Encode(Goertzel.Sine(700, 16000, 8000, amplitude: 8000), 20);
        var (sink, reorderer) = NewLeg();
        for (var i = 0; i < packets.Count; i++)
        {
            // TOC code 3 with a frame count of 0 is invalid (RFC 6716 §3.2.5, R5).
            byte[] payload = i == 5 ? [0x03, 0x00] : packets[i];
            reorderer.Push((ushort)i, (uint)(960 * i), Ssrc, PayloadType, 20 * i, payload);
        }

        reorderer.Flush();

        Assert.Equal(packets.Count * 320, sink.Count);
        Assert.Equal(1, reorderer.GetStats(0, 0, 0).PacketsMalformed);
    }
}
