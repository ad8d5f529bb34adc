using NAudio.Wave;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>A downloaded recording: its format and each channel's samples, with a Goertzel tone detector.</summary>
internal sealed class StereoWav
{
    private StereoWav(WaveFormat format, short[] left, short[] right)
    {
        Format = format;
        Left = left;
        Right = right;
    }

    public WaveFormat Format { get; }
    public short[] Left { get; }
    public short[] Right { get; }
    public double DurationSeconds => (double)Left.Length / Format.SampleRate;

    public static StereoWav Read(byte[] wav)
    {
        using var reader = new WaveFileReader(new MemoryStream(wav));
        var frames = (int)(reader.Length / reader.WaveFormat.BlockAlign);
        var left = new short[frames];
        var right = new short[frames];
        var buffer = new byte[reader.Length];
        reader.ReadExactly(buffer);
        for (var i = 0; i < frames; i++)
        {
            left[i] = BitConverter.ToInt16(buffer, i * 4);
            right[i] = BitConverter.ToInt16(buffer, i * 4 + 2);
        }

        return new StereoWav(reader.WaveFormat, left, right);
    }

    /// <summary>Relative power of <paramref name="frequency"/> over the non-silent part of the channel (Goertzel).</summary>
    public double Power(short[] channel, double frequency) => Goertzel(channel, frequency, Format.SampleRate);

    /// <summary>Relative power of <paramref name="frequency"/> in PCM samples at <paramref name="sampleRate"/>.</summary>
    public static double Goertzel(short[] channel, double frequency, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var sample in channel)
        {
            var s0 = sample + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / Math.Max(1, channel.Length);
    }

}
