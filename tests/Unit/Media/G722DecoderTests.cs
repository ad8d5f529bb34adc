using NAudio.Codecs;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Tests.Unit.Media;

public sealed class G722DecoderTests
{
    private static byte[] EncodeG722(short[] pcm16k)
    {
        var codec = new G722Codec();
        var state = new G722CodecState(64000, G722Flags.None);
        var encoded = new byte[pcm16k.Length / 2];
        var length = codec.Encode(state, encoded, pcm16k, pcm16k.Length);
        Assert.Equal(encoded.Length, length);
        return encoded;
    }

    [Fact]
    public void RoundTripKeepsA1kHzTone()
    {
        var tone = Goertzel.Sine(1000, 16000, 16000);
        var encoded = EncodeG722(tone);
        var decoder = AudioDecoders.Create(AudioCodec.G722);
        var decoded = new short[16000];
        var total = 0;

        // 20 ms packets of 160 bytes, decoded one by one like RTP payloads (state carries over).
        for (var offset = 0; offset < encoded.Length; offset += 160)
        {
            total += decoder.Decode(encoded.AsSpan(offset, 160), decoded.AsSpan(total));
        }

        Assert.Equal(16000, decoder.SampleRate);
        Assert.Equal(16000, total);
        var steady = decoded.AsSpan(1600);
        var atTone = Goertzel.Power(steady, 1000, 16000);
        Assert.True(atTone > 100 * Goertzel.Power(steady, 2500, 16000), "1 kHz dominates 2.5 kHz");
        Assert.True(atTone > 100 * Goertzel.Power(steady, 400, 16000), "1 kHz dominates 400 Hz");
        Assert.True(atTone > 0.5 * Goertzel.Power(tone.AsSpan(1600), 1000, 16000), "the tone keeps most of its power");
    }

    [Fact]
    public void DecimatorKeepsSpeechBandAndRemovesWhatWouldAlias()
    {
        var speech = Goertzel.Sine(1000, 16000, 16000);
        var high = Goertzel.Sine(6000, 16000, 16000);
        var speechOut = Decimate(speech);
        var highOut = Decimate(high);

        // At 8 kHz a 6 kHz input would fold to 2 kHz without the low-pass.
        var speechPower = Goertzel.Power(speechOut.AsSpan(400), 1000, 8000);
        var aliasPower = Goertzel.Power(highOut.AsSpan(400), 2000, 8000);
        var inputPower = Goertzel.Power(speech.AsSpan(800), 1000, 16000) / 4;
        Assert.InRange(speechPower / inputPower, 0.8, 1.2);
        Assert.True(aliasPower < speechPower / 1000, $"alias {aliasPower} vs tone {speechPower}");
    }

    private static short[] Decimate(short[] input)
    {
        var decimator = new HalfBandDecimator();
        var output = new short[input.Length / 2];
        var written = 0;
        for (var offset = 0; offset < input.Length; offset += 320)
        {
            written += decimator.Decimate(input.AsSpan(offset, 320), output.AsSpan(written));
        }

        Assert.Equal(output.Length, written);
        return output;
    }
}
