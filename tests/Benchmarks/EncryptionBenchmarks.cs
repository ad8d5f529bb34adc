using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// Encryption at rest (docs/ENCRYPTION.md), one operation = one recorded call-hour, single-threaded and in memory, so
/// the mean is the CPU time per call-hour. <c>Bytes</c>: 6,000,000 (Ogg Opus, the default format, about 6 MB per
/// hour), 12,000,000 (a richer Opus hour), 115,200,000 (8 kHz stereo WAV). <c>Encrypt</c> is what finalizing a call adds;
/// <c>Decrypt</c> is a whole download; <c>PlaybackStart*</c> is what the node does before the first byte of a playback
/// from the file on disk: the plain file opened and its first 64 KiB read, against the encrypted one's data key unwrapped
/// (RFC 5649), its whole-file SHA-256 checked against the manifest, and its first segment decrypted.
/// </summary>
[MemoryDiagnoser]
public class EncryptionBenchmarks
{
    private byte[] _plain = null!;
    private byte[] _cipher = null!;
    private byte[] _dataKey = null!;
    private byte[] _wrapped = null!;
    private string _sha256 = "";
    private AesKeyEncryptionKey _kek = null!;
    private MemoryStream _output = null!;
    private string _plainFile = "";
    private string _cipherFile = "";
    private readonly byte[] _first = new byte[64 * 1024];

    [Params(6_000_000, 12_000_000, 115_200_000)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plain = RandomNumberGenerator.GetBytes(Bytes);
        _dataKey = RandomNumberGenerator.GetBytes(32);
        _kek = new AesKeyEncryptionKey("bench", RandomNumberGenerator.GetBytes(32));
        _wrapped = _kek.Wrap(_dataKey);
        _output = new MemoryStream(Bytes + (Bytes / 1000) + 1024);
        Encrypt();
        _cipher = _output.ToArray();
        _sha256 = Convert.ToHexStringLower(SHA256.HashData(_cipher));
        var folder = Directory.CreateTempSubdirectory("recorder-bench-").FullName;
        _plainFile = Path.Combine(folder, "plain.opus");
        _cipherFile = Path.Combine(folder, "cipher.opus");
        File.WriteAllBytes(_plainFile, _plain);
        File.WriteAllBytes(_cipherFile, _cipher);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kek.Dispose();
        Directory.Delete(Path.GetDirectoryName(_plainFile)!, recursive: true);
    }

    [Benchmark]
    public void Encrypt()
    {
        _output.Position = 0;
        _output.SetLength(0);
        SegmentedAeadWriter.EncryptAsync(new MemoryStream(_plain, writable: false), _plain.Length, _output, _dataKey, CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    [Benchmark]
    public long Decrypt()
    {
        using var stream = new DecryptingStream(new MemoryStream(_cipher, writable: false), _dataKey);
        long total = 0;
        int read;
        while ((read = stream.Read(_first)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark(Baseline = true)]
    public int PlaybackStartPlain()
    {
        using var file = new FileStream(_plainFile, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        return file.Read(_first);
    }

    [Benchmark]
    public int PlaybackStartEncrypted()
    {
        var dataKey = _kek.Unwrap(_wrapped);
        using var file = new FileStream(_cipherFile, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        if (Convert.ToHexStringLower(SHA256.HashData(file)) != _sha256)
        {
            throw new InvalidDataException("hash");
        }

        using var stream = new DecryptingStream(file, dataKey, leaveOpen: true);
        return stream.Read(_first);
    }
}
