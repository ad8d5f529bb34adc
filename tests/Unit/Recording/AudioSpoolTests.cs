using System.Security.Cryptography;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>
/// The encoder's output waiting for the recording's encryption (issue #17): in memory, no file, up to the limit;
/// beyond it in a spill file that holds ciphertext under the call's segment key, read back whole and deleted after.
/// </summary>
public sealed class AudioSpoolTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private string SpillPath => Path.Combine(_directory.Path, "audio.spool.tmp");

    [Fact]
    public async Task BelowTheLimitNothingTouchesTheDisk()
    {
        var bytes = RandomNumberGenerator.GetBytes(70_000); // more than the first rented buffer: it grows
        await using var spool = new AudioSpool(SpillPath, null, memoryLimit: 100_000);
        spool.Write(bytes.AsSpan(0, 10));
        spool.Write(bytes, 10, bytes.Length - 10);

        Assert.False(spool.Spilled);
        Assert.False(File.Exists(SpillPath));
        Assert.Equal(bytes.Length, spool.Length);
        await using var read = spool.OpenRead();
        Assert.Equal(bytes.Length, read.Length);
        Assert.Equal(bytes, await ReadAllAsync(read));
    }

    [Fact]
    public async Task BeyondTheLimitTheBytesSpillEncryptedAndAreReadBackWhole()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var bytes = new byte[300_000];
        bytes.AsSpan().Fill(0x5A); // a plaintext run that would show in the file if it were stored plain
        var spool = new AudioSpool(SpillPath, key, memoryLimit: 100_000);
        await using (spool)
        {
            for (var at = 0; at < bytes.Length; at += 30_000)
            {
                spool.Write(bytes, at, 30_000);
            }

            Assert.True(spool.Spilled);
            await using var read = spool.OpenRead();
            Assert.Equal(bytes.Length, read.Length);
            Assert.Equal(bytes, await ReadAllAsync(read));

            var stored = await File.ReadAllBytesAsync(SpillPath, Ct);
            Assert.Equal(-1, stored.AsSpan().IndexOf(Enumerable.Repeat((byte)0x5A, 64).ToArray()));
            await using var reader = SegmentRecordReader.Open(SpillPath, key);
            Assert.Equal(bytes.Length, reader.Length);
        }

        Assert.False(File.Exists(SpillPath));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }
}
