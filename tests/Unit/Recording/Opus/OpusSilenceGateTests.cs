using System.Buffers.Binary;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>
/// The silence gate of <see cref="OpusFrameEncoder"/>: a channel's quiet frames skip the encoder and become zero-length
/// frames (RFC 6716 §3.2.1) that the decoder conceals (RFC 7845 §4.1), while what a party says is encoded as before.
/// </summary>
public sealed class OpusSilenceGateTests(ITestOutputHelper output)
{
    private const int Rate = 8000;

    /// <summary>Left talks for the first second, right for the next two; each is digital silence otherwise.</summary>
    private static short[] TurnTaking()
    {
        var pcm = CallAudio.Tones(3, 600, 1400);
        for (var i = 0; i < pcm.Length / 2; i++)
        {
            pcm[(2 * i) + (i < Rate ? 1 : 0)] = 0;
        }

        return pcm;
    }

    [Fact]
    public void AQuietChannelSkipsItsEncoderAfterTheHangoverAndItsTalkIsEncodedAsWithoutTheGate()
    {
        var input = TurnTaking();
        var (gatedFile, gated, total) = Encode(input, new OpusEncoderOptions());
        var (plainFile, notGated, _) = Encode(input, new OpusEncoderOptions { SilenceGate = false });

        // Right: the hangover of 10 quiet frames encoded (the first of them also gives the concealment frames their
        // configuration), then 40 skipped. Left: after its second of tone, 10 encoded, the remaining 90 skipped, plus
        // the silent frames Complete() adds to push out the lookahead.
        Assert.Equal(0, notGated);
        Assert.InRange(gated, 40 + 90, 40 + 90 + 3);
        Assert.Equal(2 * 151, total);
        output.WriteLine($"{gated} of {total} channel frames skipped the encoder; {gatedFile.Length} bytes against {plainFile.Length} without the gate");

        var withGate = DecodeTrimmed(gatedFile);
        var without = DecodeTrimmed(plainFile);
        Assert.Equal(input.Length, withGate.Length);
        var left = OpusTestAudio.Channel(withGate, 0);
        var right = OpusTestAudio.Channel(withGate, 1);

        // Until the gate first closes, each channel's packets are the ones the ungated encoder makes.
        Assert.Equal(OpusTestAudio.Channel(without, 0).AsSpan(0, Rate), left.AsSpan(0, Rate));

        // The talk is there at the level it has without the gate, and the quiet stays quiet: what the decoder's
        // concealment plays (SILK's comfort noise, learned from the last frames it decoded) is below -70 dBov once the
        // hangover has shown it 200 ms of the quiet (with 60 ms it played the tone's noise floor at -50 dBov).
        AssertSameTone(OpusTestAudio.Channel(without, 1).AsSpan(Rate + 800, 15000), right.AsSpan(Rate + 800, 15000), 1400);
        AssertSameTone(OpusTestAudio.Channel(without, 0).AsSpan(800, 6400), left.AsSpan(800, 6400), 600);
        Assert.True(Peak(left.AsSpan(Rate + 800)) <= 10, $"left after its talk peaks at {Peak(left.AsSpan(Rate + 800))}");
        Assert.True(Peak(right.AsSpan(0, Rate - 160)) <= 10, $"right before its talk peaks at {Peak(right.AsSpan(0, Rate - 160))}");
    }

    [Fact]
    public void TalkThatStartsAfterSkippedFramesIsNotShiftedInTime()
    {
        var input = TurnTaking();
        var decoded = DecodeTrimmed(Encode(input, new OpusEncoderOptions()).File);
        var right = OpusTestAudio.Channel(decoded, 1);
        var reference = OpusTestAudio.Channel(input, 1);

        // A 1400 Hz period is under 6 samples: within ±2 the correlation peaks once, at the true delay.
        var bestLag = 0;
        var best = double.MinValue;
        for (var lag = -2; lag <= 2; lag++)
        {
            double sum = 0;
            for (var i = Rate + 400; i < 3 * Rate - 400; i++)
            {
                sum += (double)right[i + lag] * reference[i];
            }

            if (sum > best)
            {
                best = sum;
                bestLag = lag;
            }
        }

        Assert.Equal(0, bestLag);
    }

    [Fact]
    public void SkippedFramesAreZeroLengthFramesOfThePreviousPacketsConfiguration()
    {
        var (file, _, _) = Encode(TurnTaking(), new OpusEncoderOptions());
        var packets = OggTestReader.ReadPackets(OggTestReader.ReadPages(file)).Skip(2).Select(p => p.Packet).ToList();

        // Frame 20: left talks (encoded), right has been skipped since frame 10: its TOC alone (the last stream is not
        // self-delimited), the configuration of its last encoded packet with code 0.
        var talking = packets[20];
        Assert.Equal(1, talking.Length - LeftStreamLength(talking));
        Assert.Equal(packets[9][LeftStreamLength(packets[9])] & 0xFC, talking[^1]);

        // Frame 120: left has been skipped, right talks. Left is self-delimited: its TOC and a zero length.
        var listening = packets[120];
        Assert.Equal(talking[0] & 0xFC, listening[0]);
        Assert.Equal(0, listening[1]);
        Assert.True(listening.Length > 10, "right's talk is encoded");
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(33, false)]
    public void AFrameIsQuietWhenItsPeakIsAtMostMinus60Dbov(short peak, bool skipped)
    {
        Assert.Equal(32, OpusEncoderOptions.PeakOf(-60));
        var input = new short[2 * Rate];
        for (var i = 0; i < input.Length; i += 2)
        {
            // A square wave at the peak on the left, a talker-level tone on the right (never quiet).
            input[i] = (short)((i / 2 % 8 < 4) ? peak : -peak);
            input[i + 1] = (short)(8000 * Math.Sin(2 * Math.PI * 500 * i / 2 / Rate));
        }

        var (_, gated, _) = Encode(input, new OpusEncoderOptions());

        if (skipped)
        {
            Assert.InRange(gated, 50 - 10, 50 - 10 + 2); // after the hangover, and the padding frames Complete() adds
        }
        else
        {
            Assert.InRange(gated, 0, 3); // only the padding frames Complete() adds
        }
    }

    [Fact]
    public void SpeechTakingTurnsSkipsAboutHalfTheEncodingAndKeepsEachTalkersLoudness()
    {
        var input = CallAudio.SpeechLike(30, seed: 7);
        var (gatedFile, gated, total) = Encode(input, new OpusEncoderOptions());
        var (plainFile, _, _) = Encode(input, new OpusEncoderOptions { SilenceGate = false });
        output.WriteLine($"{gated} of {total} channel frames skipped ({100.0 * gated / total:F0} %); {gatedFile.Length} against {plainFile.Length} bytes");
        Assert.InRange(gated, total * 40 / 100, total * 70 / 100);

        var withGate = DecodeTrimmed(gatedFile);
        var without = DecodeTrimmed(plainFile);
        for (var channel = 0; channel < 2; channel++)
        {
            var a = OpusTestAudio.Channel(withGate, channel);
            var b = OpusTestAudio.Channel(without, channel);
            for (var start = 0; start + 4000 <= a.Length; start += 4000)
            {
                var gatedEnergy = Energy(a.AsSpan(start, 4000));
                var plainEnergy = Energy(b.AsSpan(start, 4000));
                if (plainEnergy > 1e9)
                {
                    var db = 10 * Math.Log10(gatedEnergy / plainEnergy);
                    Assert.True(Math.Abs(db) < 1, $"channel {channel} at {start / 8000.0:F1} s: {db:F2} dB");
                }
            }
        }
    }

    /// <summary>Bytes of the first (self-delimited) stream of a two-stream packet: TOC, the length, the frame.</summary>
    private static int LeftStreamLength(byte[] packet)
    {
        var used = SelfDelimitedFraming.ReadLength(packet.AsSpan(1), out var length);
        return 1 + used + length;
    }

    private static (byte[] File, long Gated, long Total) Encode(short[] interleaved, OpusEncoderOptions options)
    {
        using var stream = new MemoryStream();
        long gated, total;
        using (var writer = new OggOpusWriter(stream, options, 3))
        {
            writer.Write(interleaved);
            writer.Complete();
            gated = writer.FramesGated;
            total = writer.StreamFrames;
        }

        return (stream.ToArray(), gated, total);
    }

    /// <summary>The file decoded at 8 kHz with the pre-skip and the end trimmed (RFC 7845 §4.2, §4.5).</summary>
    private static short[] DecodeTrimmed(byte[] file)
    {
        var pages = OggTestReader.ReadPages(file);
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Body.AsSpan(10)) / 6;
        var samples = (pages[^1].GranulePosition / 6) - preSkip;
        var decoded = OpusTestAudio.DecodeAll(OggTestReader.ReadPackets(pages).Skip(2).Select(p => p.Packet), Rate);
        return decoded.AsSpan(2 * preSkip, (int)(2 * samples)).ToArray();
    }

    private static void AssertSameTone(ReadOnlySpan<short> expected, ReadOnlySpan<short> actual, double hz)
    {
        var db = 10 * Math.Log10(Goertzel.Power(actual, hz, Rate) / Goertzel.Power(expected, hz, Rate));
        Assert.True(Math.Abs(db) < 1, $"{hz} Hz is {db:F2} dB off the ungated encoding");
    }

    private static int Peak(ReadOnlySpan<short> samples)
    {
        var peak = 0;
        foreach (var sample in samples)
        {
            peak = Math.Max(peak, Math.Abs((int)sample));
        }

        return peak;
    }

    private static double Energy(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return sum;
    }
}
