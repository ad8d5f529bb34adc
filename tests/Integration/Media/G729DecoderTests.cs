using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Integration.Media;

/// <summary>
/// G.729A/B through libbcg729 (installed by infra/scripts/install-test-deps.sh), fed with frames from bcg729's own
/// encoder: an independent encoder whose output our packetising and decoding must turn back into the tone.
/// </summary>
public sealed class G729DecoderTests
{
    private const uint Ssrc = 0x729;

    /// <summary>10 ms G.729 frames (10 bytes each) of <paramref name="pcm"/>; with VAD, SID frames are 2 bytes and DTX frames empty.</summary>
    internal static List<byte[]> Encode(short[] pcm, bool enableVad = false)
    {
        using var encoder = new G729Encoder(enableVad);
        var frames = new List<byte[]>();
        var bitStream = new byte[G729Decoder.FrameBytes];
        for (var offset = 0; offset + G729Decoder.FrameSamples <= pcm.Length; offset += G729Decoder.FrameSamples)
        {
            var length = encoder.Encode(pcm.AsSpan(offset, G729Decoder.FrameSamples), bitStream);
            frames.Add(bitStream[..length]);
        }

        return frames;
    }

    [Fact]
    public void TheSystemLibraryIsLoaded()
    {
        Assert.True(Bcg729Library.IsAvailable, Bcg729Library.LoadError);
        Assert.True(AudioDecoders.IsAvailable(AudioCodec.G729));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void AnyNumberOfFramesPerPacketDecodesTheToneAtItsFrequencyAndLevel(int framesPerPacket)
    {
        // RFC 3551 §4.5.6: a G.729 packet carries any number of 10-byte frames.
        var tone = Goertzel.Sine(1000, 8000, 8000, amplitude: 8000);
        var frames = Encode(tone);
        using var decoder = new G729Decoder();
        var decoded = new short[8000];
        var total = 0;
        for (var i = 0; i + framesPerPacket <= frames.Count; i += framesPerPacket)
        {
            var payload = frames.Skip(i).Take(framesPerPacket).SelectMany(f => f).ToArray();
            Assert.Equal(framesPerPacket * 80, decoder.GetSampleCount(payload.Length));
            total += decoder.Decode(payload, decoded.AsSpan(total));
        }

        Assert.Equal(frames.Count / framesPerPacket * framesPerPacket * 80, total);
        var steady = decoded.AsSpan(800, total - 800);
        var atTone = Goertzel.Power(steady, 1000, 8000);
        Assert.True(atTone > 100 * Goertzel.Power(steady, 2500, 8000), "1 kHz dominates 2.5 kHz");
        Assert.True(atTone > 100 * Goertzel.Power(steady, 400, 8000), "1 kHz dominates 400 Hz");
        var level = ToneLevel.Decibels(ToneLevel.Rms(steady), ToneLevel.Rms(tone.AsSpan(800, total - 800)));
        Assert.InRange(level, -3, 3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(15)]
    [InlineData(19)]
    public void APayloadThatIsNotWholeFramesPlusOneSidIsMalformed(int length)
    {
        // RFC 3551 §4.5.6: only n × 10 bytes, optionally followed by one 2-byte SID frame.
        using var decoder = new G729Decoder();
        Assert.Equal(0, decoder.Decode(new byte[length], new short[400]));
    }

    [Fact]
    public void AnnexBSidFrameAtThePacketEndGivesComfortNoiseAndTheGapAfterItStaysNoise()
    {
        // Speech, then near-silence: the VAD encoder sends SID frames (2 bytes) and then nothing (DTX).
        var random = new Random(7);
        var pcm = Goertzel.Sine(700, 8000, 4000, amplitude: 6000)
            .Concat(Enumerable.Range(0, 8000).Select(_ => (short)random.Next(-40, 40)))
            .ToArray();
        var frames = Encode(pcm, enableVad: true);
        Assert.Contains(frames, f => f.Length == G729Decoder.SidFrameBytes);
        Assert.Contains(frames, f => f.Length == 0);

        var sid = frames.First(f => f.Length == G729Decoder.SidFrameBytes);
        var speech = frames.First(f => f.Length == G729Decoder.FrameBytes);
        using var decoder = new G729Decoder();
        var output = new short[2000];

        // One speech frame followed by the SID frame in the same packet: 20 ms.
        Assert.Equal(160, decoder.Decode([.. speech, .. sid], output));
        Assert.True(decoder.InComfortNoise);
        Assert.Equal(1, decoder.SidFrames);

        // The frames the sender left out: the decoder's comfort noise, quiet but not digital silence.
        var noise = output.AsSpan(0, 800);
        Assert.Equal(800, decoder.Conceal(noise));
        var rms = ToneLevel.Rms(noise);
        Assert.InRange(rms, 1, 500);
    }

    [Fact]
    public void AnnexBStreamThroughTheReordererCountsComfortNoiseApartFromLoss()
    {
        var random = new Random(3);
        var pcm = Goertzel.Sine(700, 8000, 2400, amplitude: 6000)
            .Concat(Enumerable.Range(0, 8000).Select(_ => (short)random.Next(-40, 40)))
            .Concat(Goertzel.Sine(700, 8000, 2400, amplitude: 6000))
            .ToArray();
        var frames = Encode(pcm, enableVad: true);
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(1), 1000);
        reorderer.Configure(AudioCodec.G729, 18, null);

        // Packetise like a phone: 20 ms of frames per packet; a SID ends its packet; DTX frames send nothing (the next
        // packet's timestamp jumps over them, RFC 3551 §4.5.6 and RFC 3389 §4).
        ushort sequence = 100;
        var packet = new List<byte>();
        uint packetTimestamp = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.Length == 0)
            {
                continue;
            }

            if (packet.Count == 0)
            {
                packetTimestamp = (uint)(80 * i);
            }

            packet.AddRange(frame);
            if (frame.Length == G729Decoder.SidFrameBytes || packet.Count == 20 || i == frames.Count - 1)
            {
                reorderer.Push(sequence++, packetTimestamp, Ssrc, 18, packetTimestamp / 8, packet.ToArray());
                packet.Clear();
            }
        }

        reorderer.Flush();
        var stats = reorderer.GetStats(0, 0, 0);

        var lastFrame = frames.FindLastIndex(f => f.Length > 0);
        Assert.Equal(80L * (lastFrame + 1), sink.Count);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0, stats.GapSamples);
        Assert.True(stats.ComfortNoisePackets > 0, "SID frames are counted");
        Assert.InRange(stats.ComfortNoiseSamples, 4000, 8800);
        Assert.Empty(sink.Silences);
    }

    [Fact]
    public void LossAndReorderingKeepTheTimelineAndCountTheLostPacket()
    {
        var tone = Goertzel.Sine(1000, 8000, 8000, amplitude: 8000);
        var frames = Encode(tone);
        var sink = new RecordingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(1), 1000);
        reorderer.Configure(AudioCodec.G729, 18, null);

        // 20 ms packets; packet 5 lost, packets 8 and 9 swapped.
        var order = Enumerable.Range(0, 50).Where(i => i != 5).ToList();
        (order[7], order[8]) = (order[8], order[7]);
        foreach (var i in order)
        {
            byte[] payload = [.. frames[2 * i], .. frames[(2 * i) + 1]];
            reorderer.Push((ushort)(60000 + i), (uint)(160 * i), Ssrc, 18, 20 * i, payload);
        }

        reorderer.Flush();
        var stats = reorderer.GetStats(0, 0, 0);

        Assert.Equal(8000, sink.Count);
        Assert.Equal(1, stats.PacketsLost);
        Assert.Equal(1, stats.PacketsReordered);
        Assert.Equal([160], sink.Silences);
        Assert.Equal(8000, reorderer.OutputRate);
    }
}
