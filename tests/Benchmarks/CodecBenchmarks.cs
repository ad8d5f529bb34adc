using BenchmarkDotNet.Attributes;
using Concentus;
using Concentus.Enums;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// CPU per 20 ms RTP packet of each decoder (issue #13), and its allocation (must be 0 B). Payloads come from real
/// encoders: a 1 kHz tone through bcg729's encoder (G.729), Concentus at 16 kHz mono 24 kbit/s (Opus), NAudio (G.722).
/// </summary>
/// <remarks>
/// dotnet run -c Release --project tests/Benchmarks -- --filter '*CodecBenchmarks*' --job short --inProcess --memory
/// </remarks>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly short[] _pcm = new short[5760];
    private byte[] _payload = [];
    private IAudioDecoder _decoder = null!;

    [Params(AudioCodec.Pcmu, AudioCodec.Pcma, AudioCodec.G722, AudioCodec.G729, AudioCodec.Opus)]
    public AudioCodec Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _decoder = AudioDecoders.Create(Codec, AudioDecoders.RecordingRate(Codec));
        _payload = Codec switch
        {
            AudioCodec.G729 => EncodeG729(),
            AudioCodec.Opus => EncodeOpus(),
            AudioCodec.G722 => EncodeG722(),
            _ => [.. Enumerable.Range(0, 160).Select(i => (byte)(i * 7))],
        };
    }

    [GlobalCleanup]
    public void Cleanup() => (_decoder as IDisposable)?.Dispose();

    /// <summary>One 20 ms packet.</summary>
    [Benchmark]
    public int DecodePacket() => _decoder.Decode(_payload, _pcm);

    private static short[] Tone(int rate, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 1000 * i / rate)))];

    private static byte[] EncodeG729()
    {
        using var encoder = new G729Encoder(enableVad: false);
        var tone = Tone(8000, 160);
        var payload = new byte[20];
        encoder.Encode(tone.AsSpan(0, 80), payload);
        encoder.Encode(tone.AsSpan(80, 80), payload.AsSpan(10));
        return payload;
    }

    private static byte[] EncodeOpus()
    {
        var encoder = OpusCodecFactory.CreateEncoder(16000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.Bitrate = 24000;
        var buffer = new byte[1500];
        var length = 0;
        var tone = Tone(16000, 3200);
        for (var i = 0; i < 10; i++)
        {
            length = encoder.Encode(tone.AsSpan(320 * i, 320), 320, buffer, buffer.Length);
        }

        (encoder as IDisposable)?.Dispose();
        return buffer[..length];
    }

    private static byte[] EncodeG722()
    {
        var codec = new NAudio.Codecs.G722Codec();
        var state = new NAudio.Codecs.G722CodecState(64000, NAudio.Codecs.G722Flags.None);
        var encoded = new byte[160];
        codec.Encode(state, encoded, Tone(16000, 320), 320);
        return encoded;
    }
}
