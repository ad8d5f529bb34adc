using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// Segments of calls in progress encrypted (docs/ENCRYPTION.md, <c>ORSR1</c>), one operation = one recorded call-hour of
/// a two-leg narrowband call: each leg written as the receive thread writes it (20 ms packets of 160 samples, a flush,
/// so a record, every second) into its segment file, then read back whole as the finalizer reads it. Plain against
/// encrypted, both through the page cache of the same disk, single-threaded: the difference is the CPU the encryption
/// costs per call-hour. <c>FinalizerTemporary*</c> is the Opus hour (about 6 MB) the finalizer writes to its
/// temporary file and reads back to seal it, plain against encrypted under the call's key. <c>WriteOnly*</c> is the
/// legs' write path alone into <c>/dev/null</c> (Linux), which leaves out the disk's noise: the encryption's own CPU.
/// </summary>
[MemoryDiagnoser]
public class SegmentEncryptionBenchmarks
{
    private const int Legs = 2;
    private const int PacketSamples = 160;
    private const int PacketsPerSecond = 50;
    private const int Seconds = 3600;
    private const int OpusHourBytes = 6_000_000;
    private readonly byte[] _packet = new byte[PacketSamples * sizeof(short)];
    private readonly byte[] _read = new byte[64 * 1024];
    private readonly byte[] _opusBlock = new byte[4096];
    private byte[] _key = null!;
    private string _folder = "";

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_packet);
        RandomNumberGenerator.Fill(_opusBlock);
        _key = RandomNumberGenerator.GetBytes(32);
        _folder = Directory.CreateTempSubdirectory("recorder-bench-segments-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public long WriteAndReadPlain() => WriteAndRead(key: null);

    [Benchmark]
    public long WriteAndReadEncrypted() => WriteAndRead(_key);

    /// <summary>The write path alone into <c>/dev/null</c> (no disk, almost no system-call cost): the sealing's CPU itself.</summary>
    [Benchmark]
    public long WriteOnlyPlain() => WriteOnly(key: null);

    [Benchmark]
    public long WriteOnlyEncrypted() => WriteOnly(_key);

    [Benchmark]
    public long FinalizerTemporaryPlain() => Temporary(key: null);

    [Benchmark]
    public long FinalizerTemporaryEncrypted() => Temporary(_key);

    private long WriteAndRead(byte[]? key)
    {
        long total = 0;
        for (var leg = 0; leg < Legs; leg++)
        {
            var path = Path.Combine(_folder, leg == 0 ? "near.pcm" : "far.pcm");
            File.Delete(path);
            using (var output = SegmentFile.CreateOutput(path, key, plainBufferSize: 16 * 1024))
            {
                for (var second = 0; second < Seconds; second++)
                {
                    for (var packet = 0; packet < PacketsPerSecond; packet++)
                    {
                        output.Write(_packet);
                    }

                    output.Flush(flushToDisk: false);
                }
            }

            total += ReadAll(path, key);
        }

        return total;
    }

    private long WriteOnly(byte[]? key)
    {
        long total = 0;
        for (var leg = 0; leg < Legs; leg++)
        {
            using var output = SegmentFile.CreateTemporary("/dev/null", key);
            for (var second = 0; second < Seconds; second++)
            {
                for (var packet = 0; packet < PacketsPerSecond; packet++)
                {
                    output.Write(_packet);
                    total += _packet.Length;
                }

                output.Flush();
            }
        }

        return total;
    }

    private long Temporary(byte[]? key)
    {
        var path = Path.Combine(_folder, "call.opus.tmp");
        using (var output = SegmentFile.CreateTemporary(path, key))
        {
            for (var written = 0; written < OpusHourBytes; written += _opusBlock.Length)
            {
                output.Write(_opusBlock);
            }

            output.Flush();
        }

        return ReadAll(path, key);
    }

    private long ReadAll(string path, byte[]? key)
    {
        using var input = SegmentFile.OpenRead(path, key);
        long total = 0;
        int read;
        while ((read = input.Read(_read)) > 0)
        {
            total += read;
        }

        return total;
    }
}
