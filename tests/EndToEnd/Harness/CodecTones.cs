using Concentus;
using Concentus.Enums;
using NAudio.Codecs;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>20 ms RTP payloads of a tone, made by independent encoders: NAudio (G.722), Concentus (Opus), bcg729 (G.729).</summary>
internal static class CodecTones
{
    private static short[] Tone(double frequency, int rate, double seconds) =>
        [.. Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * frequency * i / rate)))];

    /// <summary>G.722 at 64 kbit/s: 160 bytes per 20 ms of 16 kHz audio.</summary>
    public static List<byte[]> G722(double frequency, double seconds)
    {
        var pcm = Tone(frequency, 16000, seconds);
        var codec = new G722Codec();
        var state = new G722CodecState(64000, G722Flags.None);
        var packets = new List<byte[]>();
        for (var offset = 0; offset + 320 <= pcm.Length; offset += 320)
        {
            var encoded = new byte[160];
            codec.Encode(state, encoded, pcm[offset..(offset + 320)], 320);
            packets.Add(encoded);
        }

        return packets;
    }

    /// <summary>Opus, 16 kHz mono voice at 24 kbit/s, 20 ms packets (960 ticks of the 48 kHz RTP clock).</summary>
    public static List<byte[]> Opus(double frequency, double seconds)
    {
        var pcm = Tone(frequency, 16000, seconds);
        var encoder = OpusCodecFactory.CreateEncoder(16000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        try
        {
            encoder.Bitrate = 24000;
            var packets = new List<byte[]>();
            var buffer = new byte[1500];
            for (var offset = 0; offset + 320 <= pcm.Length; offset += 320)
            {
                var length = encoder.Encode(pcm.AsSpan(offset, 320), 320, buffer, buffer.Length);
                packets.Add(buffer[..length]);
            }

            return packets;
        }
        finally
        {
            (encoder as IDisposable)?.Dispose();
        }
    }

    /// <summary>G.729A through libbcg729's encoder: two 10-byte frames per 20 ms packet.</summary>
    public static List<byte[]> G729(double frequency, double seconds)
    {
        var pcm = Tone(frequency, 8000, seconds);
        using var encoder = new G729Encoder(enableVad: false);
        var packets = new List<byte[]>();
        for (var offset = 0; offset + 160 <= pcm.Length; offset += 160)
        {
            var payload = new byte[20];
            encoder.Encode(pcm.AsSpan(offset, 80), payload);
            encoder.Encode(pcm.AsSpan(offset + 80, 80), payload.AsSpan(10));
            packets.Add(payload);
        }

        return packets;
    }
}
