using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Recording;

/// <summary>
/// A leg's pooled segment and gap-journal buffers (<see cref="LegSegmentWriter"/>, plain and encrypted): rented when they
/// open, returned exactly once by <see cref="LegSegmentWriter.Close"/>, and never written after, even when the receive
/// thread writes while a BYE closes the leg or a write has failed.
/// </summary>
public sealed class LegBufferLifetimeTests : IDisposable
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly TrackingArrayPool<byte> _pool = new();
    private readonly RecordingSession _session;

    public LegBufferLifetimeTests()
    {
        _session = RecordingSession.Create(
            new RecordingOptions { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) },
            RecordingSessionTests.Info("pooled"),
            _time);
    }

    public void Dispose() => _directory.Dispose();

    private LegSegmentWriter Open(bool encrypted, string name = "channel-5.pcm") =>
        new(_session, 5, Path.Combine(_directory.Path, name), _time, TimeSpan.FromSeconds(1), NullLogger.Instance, encrypted ? Key : null, _pool);

    private static short[] Tone(int samples) => Enumerable.Range(0, samples).Select(i => (short)(1000 + i)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CloseReturnsTheSegmentAndJournalBuffersOnceEvenWhenCalledTwice(bool encrypted)
    {
        var leg = Open(encrypted);
        leg.Write(Tone(160));
        Assert.Equal(1, _pool.Rented);

        // A gap opens the journal: its own, smaller buffer.
        leg.WriteSilence(160, SilenceCause.PacketLoss);
        leg.Write(Tone(160));
        Assert.Equal(2, _pool.Rented);

        Assert.Equal(480, leg.Close());
        Assert.Equal(480, leg.Close());

        Assert.Equal((2, 2, 0, 0), (_pool.Rented, _pool.ReturnedCount, _pool.BadReturns, _pool.Outstanding));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WritesAfterCloseAreIgnoredAndDoNotTouchTheReturnedBuffers(bool encrypted)
    {
        var path = Path.Combine(_directory.Path, "channel-5.pcm");
        var leg = Open(encrypted);
        leg.Write(Tone(160));
        leg.WriteSilence(80, SilenceCause.PacketLoss);
        leg.Close();
        var length = new FileInfo(path).Length;

        leg.Write(Tone(160));
        leg.WriteSilence(160, SilenceCause.PacketLoss);
        leg.WriteSilence(160, SilenceCause.NoPackets);
        leg.SyncToDisk();

        Assert.True(_pool.ReturnedArraysUnchanged());
        Assert.Equal(length, new FileInfo(path).Length);
        Assert.Equal(240, leg.Close());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReceiveThreadWritingWhileTheLegClosesNeverWritesIntoAReturnedBuffer(bool encrypted)
    {
        var leg = Open(encrypted);
        var packet = Tone(160);
        using var started = new ManualResetEventSlim();

        // Bounded: 200,000 packets at most, stopped by the close.
        var receiver = Task.Run(() =>
        {
            for (var i = 0; i < 200_000 && _pool.ReturnedCount == 0; i++)
            {
                leg.Write(packet);
                if (i % 50 == 0)
                {
                    leg.WriteSilence(160, SilenceCause.PacketLoss);
                }

                started.Set();
            }

            // A few more after the return, as a packet racing the BYE would.
            for (var i = 0; i < 100; i++)
            {
                leg.Write(packet);
            }
        }, TestContext.Current.CancellationToken);

        started.Wait(TestContext.Current.CancellationToken);
        var samples = leg.Close();
        await receiver;

        Assert.True(samples > 0);
        Assert.Equal(samples, leg.Close());
        Assert.Equal((0, 0), (_pool.Outstanding, _pool.BadReturns));
        Assert.True(_pool.ReturnedArraysUnchanged());
    }

    [Fact]
    public void APlainOutputWhoseWriteFailedStillReturnsItsBuffer()
    {
        // /dev/full refuses every write with ENOSPC.
        var output = new PlainSegmentOutput("/dev/full", 1024, _pool);
        output.Write(new byte[100]);
        Assert.Throws<IOException>(() => output.Flush(flushToDisk: false));

        output.Dispose();
        output.Dispose();

        Assert.Equal((1, 1, 0, 0), (_pool.Rented, _pool.ReturnedCount, _pool.Outstanding, _pool.BadReturns));
        Assert.Throws<ObjectDisposedException>(() => output.Write(new byte[10]));
        Assert.True(_pool.ReturnedArraysUnchanged());
    }

    [Fact]
    public void APlainOutputWritesWhatItBufferedInOrderAndWhatItDidNotFlushOnDispose()
    {
        var path = Path.Combine(_directory.Path, "plain.pcm");
        var bytes = RandomNumberGenerator.GetBytes(5000);
        using (var output = new PlainSegmentOutput(path, 1024, _pool))
        {
            // Below, across and above the buffer's size, then a remainder left for dispose.
            output.Write(bytes.AsSpan(0, 100));
            output.Write(bytes.AsSpan(100, 1000));
            output.Write(bytes.AsSpan(1100, 2048));
            output.Flush(flushToDisk: false);
            output.Write(bytes.AsSpan(3148, 1852));
        }

        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal((0, 0), (_pool.Outstanding, _pool.BadReturns));
    }
}
