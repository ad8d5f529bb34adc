namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// Doubles the sample rate of a PCM stream (8 kHz → 16 kHz): zeros between the samples, then the same half-band
/// low-pass as <see cref="HalfBandDecimator"/> (gain 2) removes the image of 0–4 kHz that the zeros fold into 4–8 kHz.
/// </summary>
/// <remarks>
/// Used where a narrowband leg joins a wideband recording (G.711 beside G.722 or Opus): the recording has one rate, and
/// the narrowband party stays narrowband in it, without the metallic image a sample-repeat would add. The filter
/// history carries across calls (no clicks at packet or block boundaries). One instance per stream; no allocation once
/// the work buffer has grown to the largest input.
/// </remarks>
internal sealed class HalfBandInterpolator
{
    private const int Taps = 23;
    private static readonly float[] Coefficients = HalfBandDecimator.CreateCoefficients(Taps);

    private readonly short[] _history = new short[Taps - 1];
    private short[] _work = new short[Taps - 1 + 640];

    /// <summary>Upsamples <paramref name="input"/> into <paramref name="output"/>; returns twice the input length.</summary>
    public int Interpolate(ReadOnlySpan<short> input, Span<short> output)
    {
        var outputCount = input.Length * 2;
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, outputCount);
        if (_work.Length < Taps - 1 + outputCount)
        {
            _work = new short[Taps - 1 + outputCount];
        }

        // _work = [last Taps-1 zero-stuffed samples of the previous call | this call's input with a zero after each sample].
        var work = _work.AsSpan(0, Taps - 1 + outputCount);
        _history.CopyTo(work);
        for (var i = 0; i < input.Length; i++)
        {
            work[Taps - 1 + (2 * i)] = input[i];
            work[Taps - 1 + (2 * i) + 1] = 0;
        }

        for (var j = 0; j < outputCount; j++)
        {
            // Half the terms are zeros; the sum still costs only 23 multiplies per output sample.
            var newest = Taps - 1 + j;
            var sum = 0f;
            for (var k = 0; k < Taps; k++)
            {
                sum += Coefficients[k] * work[newest - k];
            }

            output[j] = (short)Math.Clamp(MathF.Round(2 * sum), short.MinValue, short.MaxValue);
        }

        work[^(Taps - 1)..].CopyTo(_history);
        return outputCount;
    }
}
