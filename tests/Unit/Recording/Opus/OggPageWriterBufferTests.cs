using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>The Ogg page writer's pooled 64 KiB body: returned once, with the end-of-stream page, and never touched after.</summary>
public sealed class OggPageWriterBufferTests
{
    private readonly TrackingArrayPool<byte> _pool = new();

    [Fact]
    public void TheBodyIsReturnedOnceWithTheEndOfStreamPage()
    {
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 1, pool: _pool);
        writer.WritePacket(new byte[300], 960);
        Assert.Equal((1, 1), (_pool.Rented, _pool.Outstanding));

        writer.WritePacket(new byte[200], 1920, endOfStream: true);

        Assert.Equal((1, 0, 0), (_pool.ReturnedCount, _pool.Outstanding, _pool.BadReturns));
        var page = Assert.Single(OggTestReader.ReadPages(stream.ToArray()));
        Assert.Equal(2, OggTestReader.ReadPackets([page]).Count);
    }

    [Fact]
    public void APacketOrFlushAfterTheEndIsRefusedOrIgnoredWithoutTouchingTheReturnedBody()
    {
        using var stream = new MemoryStream();
        var writer = new OggPageWriter(stream, 1, pool: _pool);
        writer.WritePacket(Enumerable.Repeat((byte)7, 300).ToArray(), 960, endOfStream: true);
        var length = stream.Length;

        Assert.Throws<InvalidOperationException>(() => writer.WritePacket(Enumerable.Repeat((byte)9, 300).ToArray(), 1920));
        writer.FlushPage();

        Assert.True(_pool.ReturnedArraysUnchanged());
        Assert.Equal(length, stream.Length);
        Assert.Equal(0, _pool.BadReturns);
    }

    [Fact]
    public void AFailedEndOfStreamWriteStillReturnsTheBody()
    {
        var writer = new OggPageWriter(new FailingStream(), 1, pool: _pool);

        Assert.Throws<IOException>(() => writer.WritePacket(new byte[100], 960, endOfStream: true));
        writer.FlushPage();

        Assert.Equal((1, 0, 0), (_pool.ReturnedCount, _pool.Outstanding, _pool.BadReturns));
        Assert.True(_pool.ReturnedArraysUnchanged());
    }

    /// <summary>A stream whose every write fails, as a full disk does.</summary>
    private sealed class FailingStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");
    }
}
