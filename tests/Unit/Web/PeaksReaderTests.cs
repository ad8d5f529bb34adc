using NAudio.Wave;
using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Tests.Unit.Web;

/// <summary>The waveform's peaks from a WAV read through NAudio: per channel and bucket, the lowest and highest sample.</summary>
public sealed class PeaksReaderTests
{
    [Fact]
    public void EachBucketHoldsTheMinimumAndMaximumOfItsSliceOnEachChannel()
    {
        // 8,000 stereo frames at 8 kHz: left climbs -4000..3999, right is its negative; 4 buckets of 2,000 frames. A
        // bucket's extent always reaches the axis (0), where the page draws it from.
        using var wav = Wav(new WaveFormat(8000, 16, 2), Enumerable.Range(-4000, 8000).SelectMany(i => new[] { (short)i, (short)-i }));

        var peaks = PeaksReader.Read(wav, "wav", durationSeconds: 0, buckets: 4);

        Assert.Equal(1.0, peaks.DurationSeconds, 6);
        Assert.Equal(["near", "far"], peaks.Channels.Select(c => c.Name));
        Assert.Equal([-4000, -2000, 0, 0], peaks.Channels[0].Min);
        Assert.Equal([0, 0, 1999, 3999], peaks.Channels[0].Max);
        Assert.Equal([0, 0, -1999, -3999], peaks.Channels[1].Min);
        Assert.Equal([4000, 2000, 0, 0], peaks.Channels[1].Max);
    }

    [Fact]
    public void AMonoFileHasOneChannel()
    {
        using var wav = Wav(new WaveFormat(16000, 16, 1), Enumerable.Repeat((short)100, 16000));

        var peaks = PeaksReader.Read(wav, "wav", 0, 10);

        Assert.Single(peaks.Channels);
        Assert.Equal(1.0, peaks.DurationSeconds, 6);
        Assert.All(peaks.Channels[0].Max, s => Assert.Equal(100, s));
    }

    [Fact]
    public void WhatIsNotPcm16WavIsInvalidData()
    {
        using var eightBit = Wav(new WaveFormat(8000, 8, 1), []);
        Assert.Throws<InvalidDataException>(() => PeaksReader.Read(eightBit, "wav", 0, 10));
        using var text = new MemoryStream("not a wave file at all"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => PeaksReader.Read(text, "wav", 0, 10));
    }

    private static MemoryStream Wav(WaveFormat format, IEnumerable<short> samples)
    {
        var stream = new MemoryStream();
        using (var writer = new WaveFileWriter(stream, format))
        {
            var bytes = samples.SelectMany(BitConverter.GetBytes).ToArray();
            writer.Write(bytes, 0, bytes.Length);
        }

        stream.Position = 0;
        return stream;
    }
}
