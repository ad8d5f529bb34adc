namespace OrleansRecorder.LoadGenerator;

/// <summary>One 20 ms PCMU frame (160 samples at 8 kHz) of a sine tone.</summary>
/// <remarks>
/// 600 Hz and 1400 Hz complete a whole number of cycles in 20 ms (12 and 28), so every packet of a leg carries the
/// same frame and the stream is a continuous tone.
/// </remarks>
internal static class ToneFrame
{
    public const int Samples = 160;

    public static byte[] Create(double frequency, double amplitude = 8000)
    {
        var frame = new byte[Samples];
        for (var i = 0; i < Samples; i++)
        {
            frame[i] = LinearToMuLaw((short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / 8000)));
        }

        return frame;
    }

    /// <summary>ITU-T G.711 µ-law encoding of one 16-bit sample.</summary>
    public static byte LinearToMuLaw(short sample)
    {
        const int Bias = 0x84;
        const int Clip = 32635;
        int value = sample;
        var sign = value < 0 ? 0x80 : 0;
        if (value < 0)
        {
            value = -value;
        }

        value = Math.Min(value, Clip) + Bias;
        var exponent = 7;
        for (var mask = 0x4000; (value & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }

        var mantissa = (value >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }
}
