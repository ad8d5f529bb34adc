using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// What one leg (or one recording's finalization) allocates for its buffers, from start to close: the jitter window, the
/// encrypted segment with one second of PCMU audio, the Ogg page writer of one recording. One operation is one life;
/// the Allocated column is the figure (issue #17: bytes allocated per call), the time mostly file creation.
/// </summary>
[MemoryDiagnoser]
public class LegBufferBenchmarks
{
    private const int ConcurrentLegs = 250;
    private readonly byte[] _packet = new byte[320];
    private readonly byte[] _opusPacket = new byte[80];
    private byte[] _key = null!;
    private string _folder = "";
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_packet);
        RandomNumberGenerator.Fill(_opusPacket);
        _key = RandomNumberGenerator.GetBytes(32);
        _folder = Directory.CreateTempSubdirectory("recorder-bench-leg-buffers-").FullName;
        _path = Path.Combine(_folder, "near.pcm");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public int JitterWindowOfOneLeg()
    {
        var reorderer = new RtpJitterReorderer(new NullPcmSink(), 5, 1488, TimeSpan.FromSeconds(5), 1000);
        reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        reorderer.Dispose();
        return reorderer.OutputRate;
    }

    [Benchmark]
    public long EncryptedSegmentOfOneLegOneSecond()
    {
        File.Delete(_path);
        using var writer = new SegmentRecordWriter(_path, _key);
        for (var packet = 0; packet < 50; packet++)
        {
            writer.Write(_packet);
        }

        writer.Flush(flushToDisk: false);
        return writer.Position;
    }

    /// <summary>
    /// 250 legs open at once (125 calls, what 100 new calls/s of one second keep open), one second of audio each, then
    /// closed: unlike one leg at a time, this outgrows what a pool keeps per thread and per core.
    /// </summary>
    [Benchmark(OperationsPerInvoke = ConcurrentLegs)]
    public long EncryptedSegmentsOf250LegsOpenAtOnce()
    {
        var writers = new SegmentRecordWriter[ConcurrentLegs];
        for (var leg = 0; leg < writers.Length; leg++)
        {
            var path = Path.Combine(_folder, $"leg-{leg}.pcm");
            File.Delete(path);
            writers[leg] = new SegmentRecordWriter(path, _key);
        }

        long written = 0;
        foreach (var writer in writers)
        {
            for (var packet = 0; packet < 50; packet++)
            {
                writer.Write(_packet);
            }

            writer.Flush(flushToDisk: false);
            written += writer.Position;
            writer.Dispose();
        }

        return written;
    }

    [Benchmark]
    public long OggPagesOfOneRecordingOneMinute()
    {
        // 60 s of 20 ms Opus packets of 80 bytes, as the finalizer's encoder hands them over.
        var pages = new OggPageWriter(Stream.Null, 1);
        for (var packet = 1; packet < 3000; packet++)
        {
            pages.WritePacket(_opusPacket, packet * 960L);
        }

        pages.WritePacket(_opusPacket, 3000 * 960L, endOfStream: true);
        return pages.PagesWritten;
    }

}
