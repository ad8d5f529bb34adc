namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>
/// Test signals of a call, 8 kHz stereo interleaved (left = near end, right = far end). Plain code with no test
/// framework, so tests/Benchmarks compiles it too and measures the encoder on the same audio the tests check.
/// </summary>
internal static class CallAudio
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
}
