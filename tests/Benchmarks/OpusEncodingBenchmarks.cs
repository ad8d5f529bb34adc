using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Tests.Unit.Recording.Opus;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// What the default format costs to encode (issue #17): one operation writes one recorded minute of a call, 8 kHz
/// stereo, as Ogg Opus with the shipped settings (16 kbit/s, complexity 0, native libopus when it loads), single-threaded
/// and in memory. CPU-s per recorded call-hour = the mean in ms × 60 / 1000 (per channel-hour: half that); on a busy
/// machine the <c>Min</c> column is the better estimate of the CPU an encoding needs.
/// <c>Signal</c>: <c>Tones</c> (both parties talk all the time: the load generator's calls, the worst case),
/// <c>TurnTaking</c> (speech-like bursts, one party at a time, line noise at −61 dBov otherwise), <c>Silence</c>
/// (digital silence: hold, a muted line). <c>Gate</c>: the silence gate on (default) or off.
/// </summary>
/// <remarks>
/// dotnet run -c Release --project tests/Benchmarks -- --filter '*OpusEncodingBenchmarks*' --job short --inProcess
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
public class OpusEncodingBenchmarks
{
    private const double Seconds = 60;
    private short[] _audio = [];
    private MemoryStream _output = null!;
    private OpusEncoderOptions _options = null!;

    public enum CallSignal
    {
        Tones,
        TurnTaking,
        Silence,
    }

    [Params(CallSignal.Tones, CallSignal.TurnTaking, CallSignal.Silence)]
    public CallSignal Signal { get; set; }

    [Params(true, false)]
    public bool Gate { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _audio = Signal switch
        {
            CallSignal.Tones => CallAudio.Tones(Seconds, 600, 1400),
            CallSignal.TurnTaking => CallAudio.SpeechLike(Seconds, seed: 1),
            _ => new short[(int)(Seconds * 8000) * 2],
        };
        _output = new MemoryStream(1 << 20);
        _options = new OpusEncoderOptions { SilenceGate = Gate };
        EncodeOneMinute();
        Console.WriteLine($"// {Signal}, gate {(Gate ? "on" : "off")}: {_output.Length * 60 / 1e6:F2} MB per call-hour");
    }

    [Benchmark]
    public long EncodeOneMinute()
    {
        _output.Position = 0;
        _output.SetLength(0);
        using var writer = new OggOpusWriter(_output, _options, 1);
        for (var offset = 0; offset < _audio.Length; offset += 2 * 1600)
        {
            writer.Write(_audio.AsSpan(offset, Math.Min(2 * 1600, _audio.Length - offset)));
        }

        writer.Complete();
        return writer.FramesGated;
    }
}
