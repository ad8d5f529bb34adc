using System.Runtime.InteropServices;
using NAudio.Wave;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The waveform of a recording: per channel (left = near end, right = far end; a SIPREC session's one per stream), the minimum and maximum sample of
/// each of <c>buckets</c> equal slices of the audio. WAV through NAudio's <see cref="WaveFileReader"/> (RIFF chunks,
/// format, data length), Ogg Opus through the recorder's decoder; one pass, streaming.
/// </summary>
internal static class PeaksReader
{
    private const int FramesPerRead = 4096;

    public static PeaksDto Read(string path, string format, double durationSeconds, int buckets)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        return Read(file, format, durationSeconds, buckets);
    }

    /// <summary>From any readable, seekable stream of the audio (a decrypting one for an encrypted recording).</summary>
    public static PeaksDto Read(Stream file, string format, double durationSeconds, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        return string.Equals(format, "opus", StringComparison.OrdinalIgnoreCase)
            ? ReadOpus(file, durationSeconds, buckets)
            : ReadWav(file, buckets);
    }

    private static PeaksDto ReadWav(Stream file, int buckets)
    {
        WaveFileReader reader;
        try
        {
            reader = new WaveFileReader(file);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException("Not a WAV file: " + ex.Message, ex);
        }

        using (reader)
        {
            var wave = reader.WaveFormat;
            // WAVE_FORMAT_EXTENSIBLE is how a recording of more than two channels (a SIPREC session's streams) is written.
            if (wave.Encoding is not (WaveFormatEncoding.Pcm or WaveFormatEncoding.Extensible) || wave.BitsPerSample != 16 || wave.Channels < 1)
            {
                throw new InvalidDataException($"Only PCM16 WAV is supported ({wave.Encoding}, {wave.BitsPerSample} bits, {wave.Channels} channels).");
            }

            var totalFrames = reader.Length / wave.BlockAlign;
            var peaks = new Accumulator(wave.Channels, buckets, totalFrames);
            var buffer = new byte[FramesPerRead * wave.BlockAlign];
            int n;
            while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                // PCM16 WAV is little-endian, as every machine .NET runs the recorder on.
                peaks.Add(MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, n - (n % wave.BlockAlign))));
            }

            return peaks.ToDto(totalFrames / (double)wave.SampleRate);
        }
    }

    private static PeaksDto ReadOpus(Stream file, double durationSeconds, int buckets)
    {
        using var reader = new OggOpusReader(file);
        var totalFrames = Math.Max(1, (long)Math.Round(durationSeconds * 8000));
        var peaks = new Accumulator(reader.Channels, buckets, totalFrames);
        var buffer = new short[reader.BufferLength];
        int frames;
        while ((frames = reader.Read(buffer)) > 0)
        {
            peaks.Add(buffer.AsSpan(0, frames * reader.Channels));
        }

        return peaks.ToDto(durationSeconds);
    }

    private sealed class Accumulator
    {
        private readonly int _channels;
        private readonly int _buckets;
        private readonly long _totalFrames;
        private readonly short[][] _min;
        private readonly short[][] _max;
        private long _frame;

        public Accumulator(int channels, int buckets, long totalFrames)
        {
            _channels = channels;
            _buckets = buckets;
            _totalFrames = Math.Max(1, totalFrames);
            _min = [.. Enumerable.Range(0, channels).Select(_ => new short[buckets])];
            _max = [.. Enumerable.Range(0, channels).Select(_ => new short[buckets])];
        }

        public void Add(ReadOnlySpan<short> interleaved)
        {
            for (var i = 0; i + _channels <= interleaved.Length; i += _channels)
            {
                var bucket = (int)Math.Min(_buckets - 1, _frame * _buckets / _totalFrames);
                for (var c = 0; c < _channels; c++)
                {
                    var s = interleaved[i + c];
                    if (s < _min[c][bucket])
                    {
                        _min[c][bucket] = s;
                    }

                    if (s > _max[c][bucket])
                    {
                        _max[c][bucket] = s;
                    }
                }

                _frame++;
            }
        }

        public PeaksDto ToDto(double durationSeconds) => new(
            _buckets,
            durationSeconds,
            [.. Enumerable.Range(0, _channels).Select(c => new ChannelPeaksDto(c == 0 ? "near" : "far", _min[c], _max[c]))]);
    }
}

/// <summary>The waveform: per channel, min and max PCM16 sample of each bucket.</summary>
internal sealed record PeaksDto(int Buckets, double DurationSeconds, IReadOnlyList<ChannelPeaksDto> Channels);

/// <summary>One channel's peaks (<c>near</c> = left, <c>far</c> = right).</summary>
internal sealed record ChannelPeaksDto(string Name, short[] Min, short[] Max);
