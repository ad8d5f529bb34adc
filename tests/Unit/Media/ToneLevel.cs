namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>RMS level of PCM, for checking that a decoder keeps a tone's level.</summary>
internal static class ToneLevel
{
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>20·log10 of the ratio of two RMS levels.</summary>
    public static double Decibels(double rms, double reference) => 20 * Math.Log10(rms / reference);
}
