using Concentus;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>Test signals, the encode helper and a decoder over <see cref="OggTestReader"/>.</summary>
internal static class OpusTestAudio
{
    /// <summary>Interleaved 8 kHz stereo: a sine of <paramref name="leftHz"/> left and <paramref name="rightHz"/> right.</summary>
    public static short[] Tones(double seconds, double leftHz, double rightHz, double amplitude = 8000)
    {
        var frames = (int)Math.Round(seconds * 8000);
        var pcm = new short[frames * 2];
        for (var i = 0; i < frames; i++)
        {
            pcm[2 * i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * leftHz * i / 8000));
            pcm[(2 * i) + 1] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * rightHz * i / 8000));
        }

        return pcm;
    }

    /// <summary>
    /// Two talkers taking turns, roughly like a phone call: voiced bursts (a wandering pitch with harmonics and a
    /// syllable envelope) on one side while the other is quiet with a little line noise.
    /// </summary>
    public static short[] SpeechLike(double seconds, int seed)
    {
        var random = new Random(seed);
        var frames = (int)Math.Round(seconds * 8000);
        var pcm = new short[frames * 2];
        var phase = new double[2];
        var pitch = new[] { 120.0, 210.0 };
        for (var i = 0; i < frames; i++)
        {
            var t = i / 8000.0;
            var talker = (int)(t / 3.7) % 2;
            for (var channel = 0; channel < 2; channel++)
            {
                double sample = random.NextDouble() * 60 - 30;
                if (channel == talker)
                {
                    pitch[channel] = Math.Clamp(pitch[channel] + ((random.NextDouble() - 0.5) * 0.5), 90, 260);
                    phase[channel] += 2 * Math.PI * pitch[channel] / 8000;
                    var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
                    var voiced = 0.0;
                    for (var harmonic = 1; harmonic <= 12; harmonic++)
                    {
                        voiced += Math.Sin(harmonic * phase[channel]) / harmonic;
                    }

                    sample += syllable * 4000 * voiced + (random.NextDouble() - 0.5) * 400 * syllable;
                }

                pcm[(2 * i) + channel] = (short)Math.Clamp(sample, short.MinValue, short.MaxValue);
            }
        }

        return pcm;
    }

    /// <summary>Encodes in uneven chunks (so frames straddle writes) and returns the file's bytes.</summary>
    public static byte[] Encode(short[] interleaved, OpusEncoderOptions? options = null, IReadOnlyList<string>? comments = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new OggOpusWriter(stream, options ?? new OpusEncoderOptions(), 0x0A0B0C0D, comments))
        {
            for (var offset = 0; offset < interleaved.Length; offset += 2 * 737)
            {
                writer.Write(interleaved.AsSpan(offset, Math.Min(2 * 737, interleaved.Length - offset)));
            }

            writer.Complete();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Every audio packet decoded at <paramref name="sampleRate"/>, stereo interleaved, untrimmed; the streams as the
    /// writer's OpusHead declares them (2 streams, none coupled, mapping 0, 1).
    /// </summary>
    public static short[] DecodeAll(IEnumerable<byte[]> audioPackets, int sampleRate)
    {
        var decoder = OpusCodecFactory.CreateMultiStreamDecoder(sampleRate, 2, 2, 0, [0, 1]);
        try
        {
            var output = new List<short>();
            var frame = new short[5760 * 2];
            foreach (var packet in audioPackets)
            {
                var samples = decoder.DecodeMultistream(packet, frame, 5760, false);
                Assert.True(samples > 0, "the decoder rejected a packet");
                output.AddRange(frame.AsSpan(0, samples * 2).ToArray());
            }

            return [.. output];
        }
        finally
        {
            (decoder as IDisposable)?.Dispose();
        }
    }

    public static short[] Channel(ReadOnlySpan<short> interleaved, int channel)
    {
        var mono = new short[interleaved.Length / 2];
        for (var i = 0; i < mono.Length; i++)
        {
            mono[i] = interleaved[(2 * i) + channel];
        }

        return mono;
    }
}
