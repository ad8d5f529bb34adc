using System.Security.Cryptography;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Tests.Unit.Media;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>
/// The pooled buffers of the encrypting writers: the segment record writer's (one per leg, per journal, per finalizer
/// temporary) and the AEAD writer's (one per sealed recording) are returned exactly once, also when writing fails, and
/// never touched after.
/// </summary>
public sealed class EncryptionBufferLifetimeTests : IDisposable
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly TempDirectory _directory = new();
    private readonly TrackingArrayPool<byte> _pool = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public void TheRecordWriterRentsOneBufferWhenOpenedAndReturnsItOnceWhenDisposedTwice()
    {
        var writer = new SegmentRecordWriter(PathOf("near.pcm"), Key, pool: _pool);
        Assert.Equal((1, 1), (_pool.Rented, _pool.Outstanding));
        writer.Write(RandomNumberGenerator.GetBytes(1000));
        writer.Flush(flushToDisk: false);

        writer.Dispose();
        writer.Dispose();

        Assert.Equal((1, 1, 0, 0), (_pool.Rented, _pool.ReturnedCount, _pool.BadReturns, _pool.Outstanding));
    }

    [Fact]
    public void AWriteOrFlushAfterDisposeThrowsAndLeavesTheReturnedBufferAlone()
    {
        var path = PathOf("near.pcm");
        var writer = new SegmentRecordWriter(path, Key, pool: _pool);
        writer.Write(RandomNumberGenerator.GetBytes(100));
        writer.Dispose();
        var length = new FileInfo(path).Length;

        Assert.Throws<ObjectDisposedException>(() => writer.Write(RandomNumberGenerator.GetBytes(100)));
        Assert.Throws<ObjectDisposedException>(() => writer.Flush(flushToDisk: true));

        Assert.True(_pool.ReturnedArraysUnchanged());
        Assert.Equal(length, new FileInfo(path).Length);
    }

    [Fact]
    public void AFailedWriteStillReturnsTheBufferOnDispose()
    {
        // /dev/full refuses every write with ENOSPC: the first sealed record fails.
        var writer = new SegmentRecordWriter("/dev/full", Key, FileMode.Create, pool: _pool);
        writer.Write(RandomNumberGenerator.GetBytes(100));
        Assert.Throws<IOException>(() => writer.Flush(flushToDisk: false));

        writer.Dispose();

        Assert.Equal((1, 0, 0), (_pool.ReturnedCount, _pool.Outstanding, _pool.BadReturns));
    }

    [Fact]
    public void AFileThatCannotBeCreatedRentsNothing()
    {
        var path = PathOf("near.pcm");
        File.WriteAllBytes(path, [1]);

        // A call's segment is always new: an existing file is refused before anything is rented.
        Assert.Throws<IOException>(() => new SegmentRecordWriter(path, Key, pool: _pool));
        Assert.Equal(0, _pool.Rented);
    }

    [Fact]
    public async Task TheAeadWriterUsesOneSegmentBufferReturnedOnceAndTheOutputStillDecrypts()
    {
        var plain = RandomNumberGenerator.GetBytes(200_000);
        using var output = new MemoryStream();

        await SegmentedAeadWriter.EncryptAsync(new MemoryStream(plain), plain.Length, output, Key, Ct, pool: _pool);

        Assert.Equal((1, 1, 0, 0), (_pool.Rented, _pool.ReturnedCount, _pool.BadReturns, _pool.Outstanding));
        Assert.Equal(64 * 1024, _pool.RentedArrays[0].Length);
        Assert.Equal(plain, Plaintext.Of(new MemoryStream(output.ToArray()), Key));
    }

    [Fact]
    public async Task TheAeadWriterReturnsItsBufferClearedWhenTheSourceFailsMidway()
    {
        // 100,000 bytes promised, 70,000 there: the second segment's read fails after the first was encrypted.
        var source = new MemoryStream(RandomNumberGenerator.GetBytes(70_000));
        using var output = new MemoryStream();

        await Assert.ThrowsAsync<EndOfStreamException>(() => SegmentedAeadWriter.EncryptAsync(source, 100_000, output, Key, Ct, pool: _pool));

        Assert.Equal((1, 0, 0), (_pool.ReturnedCount, _pool.Outstanding, _pool.BadReturns));
        Assert.All(_pool.RentedArrays[0], b => Assert.Equal(0, b));
    }
}
