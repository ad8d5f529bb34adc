using NAudio.Wave;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A downloaded recording: its format and each channel's samples (a call's two; a SIPREC session's one per stream),
/// with a Goertzel tone detector.
/// </summary>
internal sealed class StereoWav
{
    private StereoWav(WaveFormat format, short[][] channels)
    {
        Format = format;
        Channels = channels;
    }

    public WaveFormat Format { get; }

    /// <summary>Every channel's samples, in file order.</summary>
    public short[][] Channels { get; }

    public short[] Left => Channels[0];

    /// <summary>The second channel; empty in a mono file.</summary>
    public short[] Right => Channels.Length > 1 ? Channels[1] : [];

    public double DurationSeconds => (double)Left.Length / Format.SampleRate;

    public static StereoWav Read(byte[] wav)
    {
        using var reader = new WaveFileReader(new MemoryStream(wav));
        var count = reader.WaveFormat.Channels;
        var frames = (int)(reader.Length / reader.WaveFormat.BlockAlign);
        var channels = new short[count][];
        for (var c = 0; c < count; c++)
        {
            channels[c] = new short[frames];
        }

        var buffer = new byte[reader.Length];
        reader.ReadExactly(buffer);
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < count; c++)
            {
                channels[c][i] = BitConverter.ToInt16(buffer, ((i * count) + c) * 2);
            }
        }

        return new StereoWav(reader.WaveFormat, channels);
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
