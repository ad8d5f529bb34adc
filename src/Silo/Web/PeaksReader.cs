using System.Buffers.Binary;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The waveform of a recording: per channel (left = near end, right = far end; a SIPREC session's one per stream), the minimum and maximum sample of
/// each of <c>buckets</c> equal slices of the audio. Reads PCM16 WAV directly and decodes Ogg Opus; one pass, streaming.
/// </summary>
internal static class PeaksReader
{
    public static PeaksDto Read(string path, string format, double durationSeconds, int buckets)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        return Read(file, format, durationSeconds, buckets);
    }

    /// <summary>From any readable stream of the audio (a decrypting one for an encrypted recording).</summary>
    public static PeaksDto Read(Stream file, string format, double durationSeconds, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        return string.Equals(format, "opus", StringComparison.OrdinalIgnoreCase)
            ? ReadOpus(file, durationSeconds, buckets)
            : ReadWav(file, buckets);
    }

    private static PeaksDto ReadWav(Stream file, int buckets)
    {
        var header = new byte[12];
        file.ReadExactly(header);
        if (!header.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !header.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a WAV file.");
        }

        int channels = 0, bits = 0, rate = 8000;
        var chunk = new byte[8];
        while (true)
        {
            file.ReadExactly(chunk);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (chunk.AsSpan(0, 4).SequenceEqual("fmt "u8))
            {
                var fmt = new byte[size + (size & 1)];
                file.ReadExactly(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
            }
            else if (chunk.AsSpan(0, 4).SequenceEqual("data"u8))
            {
                if (bits != 16 || channels < 1)
                {
                    throw new InvalidDataException($"Only PCM16 WAV is supported ({bits} bits, {channels} channels).");
                }

                // A recording still being written may say 0 or 0xFFFFFFFF: then the rest of the file is the data.
                long dataBytes = size is 0 or uint.MaxValue ? file.Length - file.Position : Math.Min(size, file.Length - file.Position);
                var totalFrames = dataBytes / (2 * channels);
                var peaks = new Accumulator(channels, buckets, totalFrames);
                var buffer = new byte[4096 * 2 * channels];
                var samples = new short[4096 * channels];
                long remaining = dataBytes;
                while (remaining > 0)
                {
                    var want = (int)Math.Min(buffer.Length, remaining);
                    want -= want % (2 * channels);
                    var n = file.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                    n -= n % (2 * channels);
                    if (n == 0)
                    {
                        break;
                    }

                    for (var i = 0; i < n / 2; i++)
                    {
                        samples[i] = BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(2 * i));
                    }

                    peaks.Add(samples.AsSpan(0, n / 2));
                    remaining -= n;
                }

                return peaks.ToDto(totalFrames / (double)rate);
            }
            else
            {
                file.Seek(size + (size & 1), SeekOrigin.Current);
            }
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
