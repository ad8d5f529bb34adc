namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// Halves the sample rate of a PCM stream (16 kHz → 8 kHz) with a short low-pass FIR, keeping the filter history across
/// calls so that packet boundaries leave no clicks.
/// </summary>
/// <remarks>
/// A leg whose recording is already 8 kHz (a G.711 call renegotiated to G.722) brings G.722's 16 kHz output down to 8 kHz. Dropping every other sample alone would fold the 4–8 kHz band back onto speech as aliasing;
/// the windowed-sinc low-pass (cut-off at 4 kHz, Blackman window, 23 taps) removes that band first. One instance per leg.
/// </remarks>
internal sealed class HalfBandDecimator
{
    private const int Taps = 23;
    private static readonly float[] Coefficients = CreateCoefficients(Taps);

    private readonly short[] _history = new short[Taps - 1];
    private short[] _work = new short[Taps - 1 + 640];

    /// <summary>Filters and decimates <paramref name="input"/> (an even number of samples) into <paramref name="output"/>.</summary>
    /// <returns>The number of samples written: half of the input.</returns>
    public int Decimate(ReadOnlySpan<short> input, Span<short> output)
    {
        var outputCount = input.Length / 2;
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, outputCount);
        if (_work.Length < Taps - 1 + input.Length)
        {
            _work = new short[Taps - 1 + input.Length];
        }

        // _work = [last Taps-1 input samples of the previous call | this call's input].
        var work = _work.AsSpan(0, Taps - 1 + input.Length);
        _history.CopyTo(work);
        input.CopyTo(work[(Taps - 1)..]);

        for (var j = 0; j < outputCount; j++)
        {
            // y[2j] = Σ h[k]·x[2j − k]; x[2j] sits at work[Taps − 1 + 2j].
            var newest = Taps - 1 + (2 * j);
            var sum = 0f;
            for (var k = 0; k < Taps; k++)
            {
                sum += Coefficients[k] * work[newest - k];
            }

            output[j] = (short)Math.Clamp(MathF.Round(sum), short.MinValue, short.MaxValue);
        }

        work[^(Taps - 1)..].CopyTo(_history);
        return outputCount;
    }

    /// <summary>Windowed sinc with cut-off at a quarter of the input rate (half-band), normalised to unity gain at DC.</summary>
    internal static float[] CreateCoefficients(int taps)
    {
        var coefficients = new double[taps];
        var middle = (taps - 1) / 2;
        var sum = 0.0;
        for (var n = 0; n < taps; n++)
        {
            var m = n - middle;
            var sinc = m == 0 ? 0.5 : Math.Sin(Math.PI * m / 2) / (Math.PI * m);
            var window = 0.42 - (0.5 * Math.Cos(2 * Math.PI * n / (taps - 1))) + (0.08 * Math.Cos(4 * Math.PI * n / (taps - 1)));
            coefficients[n] = sinc * window;
            sum += coefficients[n];
        }

        var result = new float[taps];
        for (var n = 0; n < taps; n++)
        {
            result[n] = (float)(coefficients[n] / sum);
        }

        return result;
    }
}
