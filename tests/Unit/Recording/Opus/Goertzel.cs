namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>Power of one frequency in a block of samples (Goertzel's algorithm), to tell tones apart after decoding.</summary>
internal static class Goertzel
{
    public static double Power(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double previous = 0, beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        return (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
    }
}
