namespace OrleansRecorder.LoadGenerator;

/// <summary>Goertzel power of one frequency over a block of samples (here one channel of a stereo PCM16 WAV).</summary>
internal static class Goertzel
{
    public static double Power(ReadOnlySpan<short> interleaved, int channels, int channel, double frequency, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double previous = 0, beforePrevious = 0;
        for (var i = channel; i < interleaved.Length; i += channels)
        {
            var current = interleaved[i] + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        return (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
    }
}
