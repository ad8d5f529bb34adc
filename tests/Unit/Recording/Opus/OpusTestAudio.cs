using Concentus;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>Test signals, the encode helper and a decoder over <see cref="OggTestReader"/>.</summary>
internal static class OpusTestAudio
{
    /// <summary>Encodes in uneven chunks (so frames straddle writes) and returns the file's bytes.</summary>
    public static byte[] Encode(short[] interleaved, OpusEncoderOptions? options = null, IReadOnlyList<string>? comments = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new OggOpusWriter(stream, options ?? new OpusEncoderOptions(), 0x0A0B0C0D, comments))
        {
            for (var offset = 0; offset < interleaved.Length; offset += 2 * 737)
            {
                writer.Write(interleaved.AsSpan(offset, Math.Min(2 * 737, interleaved.Length - offset)));
            }

            writer.Complete();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Every audio packet decoded at <paramref name="sampleRate"/>, stereo interleaved, untrimmed; the streams as the
    /// writer's OpusHead declares them (2 streams, none coupled, mapping 0, 1).
    /// </summary>
    public static short[] DecodeAll(IEnumerable<byte[]> audioPackets, int sampleRate)
    {
        var decoder = OpusCodecFactory.CreateMultiStreamDecoder(sampleRate, 2, 2, 0, [0, 1]);
        try
        {
            var output = new List<short>();
            var frame = new short[5760 * 2];
            foreach (var packet in audioPackets)
            {
                var samples = decoder.DecodeMultistream(packet, frame, 5760, false);
                Assert.True(samples > 0, "the decoder rejected a packet");
                output.AddRange(frame.AsSpan(0, samples * 2).ToArray());
            }

            return [.. output];
        }
        finally
        {
            (decoder as IDisposable)?.Dispose();
        }
    }

    public static short[] Channel(ReadOnlySpan<short> interleaved, int channel)
    {
        var mono = new short[interleaved.Length / 2];
        for (var i = 0; i < mono.Length; i++)
        {
            mono[i] = interleaved[(2 * i) + channel];
        }

        return mono;
    }
}
