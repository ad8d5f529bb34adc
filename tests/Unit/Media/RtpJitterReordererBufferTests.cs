using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>
/// The jitter window's pooled buffers (the slots' bytes, the two PCM buffers): rented once per leg, returned exactly once
/// by <see cref="RtpJitterReorderer.Dispose"/>, and never written after that, whatever arrives late.
/// </summary>
public sealed class RtpJitterReordererBufferTests
{
    private const uint Ssrc = 0x11223344;
    private readonly RecordingPcmSink _sink = new();
    private readonly TrackingArrayPool<byte> _bytes = new();
    private readonly TrackingArrayPool<short> _samples = new();

    private RtpJitterReorderer Create(int maxPayloadSize = 1488) =>
        new(_sink, 5, maxPayloadSize, TimeSpan.FromMinutes(10), 1000, metrics: null, _bytes, _samples);

    private static byte[] Payload(byte value) => Enumerable.Repeat(value, 160).ToArray();

    [Fact]
    public void TheWindowIsOneRentalForAllItsSlotsAndThePcmBuffersTwo()
    {
        var reorderer = Create();

        Assert.Equal(1, _bytes.Rented);
        Assert.True(_bytes.RentedArrays[0].Length >= 5 * 1488);
        Assert.Equal(2, _samples.Rented);
        Assert.Equal(0, _bytes.ReturnedCount + _samples.ReturnedCount);
        reorderer.Dispose();
    }

    [Fact]
    public void DisposeReturnsEveryBufferExactlyOnceEvenWhenCalledTwice()
    {
        var reorderer = Create();
        reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        reorderer.Push(1, 160, Ssrc, 0, 20, Payload(0x55));

        reorderer.Dispose();
        reorderer.Dispose();

        Assert.Equal((1, 1, 0, 0), (_bytes.Rented, _bytes.ReturnedCount, _bytes.BadReturns, _bytes.Outstanding));
        Assert.Equal((2, 2, 0, 0), (_samples.Rented, _samples.ReturnedCount, _samples.BadReturns, _samples.Outstanding));
    }

    [Fact]
    public void APacketFlushOrReconfigureAfterDisposeIsIgnoredAndLeavesTheReturnedBuffersAlone()
    {
        var reorderer = Create();
        reorderer.Configure(AudioCodec.Pcmu, 0, 101);
        reorderer.Push(1, 160, Ssrc, 0, 20, Payload(0x55));

        // Sequence 3 waits in a slot for 2 (in the window when the leg ends).
        reorderer.Push(3, 480, Ssrc, 0, 60, Payload(0x66));
        var written = _sink.Samples.Length;
        reorderer.Dispose();

        // What the receive thread might still do while a BYE ends the leg.
        reorderer.Push(2, 320, Ssrc, 0, 40, Payload(0x77));
        reorderer.Push(4, 640, Ssrc, 0, 80, Payload(0x77));
        reorderer.Flush();
        reorderer.Configure(AudioCodec.G722, 9, 101);

        Assert.Equal(written, _sink.Samples.Length);
        Assert.True(_bytes.ReturnedArraysUnchanged());
        Assert.True(_samples.ReturnedArraysUnchanged());
        Assert.Equal(0, _bytes.BadReturns + _samples.BadReturns);
    }

    [Fact]
    public void ACodecNeedingLargerPcmBuffersSwapsThemAndReturnsTheSmallerOnesAtOnce()
    {
        // 100-byte payloads: PCMU needs 200 samples, Opus up to 120 ms of 16 kHz audio.
        var reorderer = Create(maxPayloadSize: 100);
        var first = _samples.RentedArrays.ToArray();
        reorderer.Configure(AudioCodec.Opus, 111, null);

        Assert.Equal(4, _samples.Rented);
        Assert.All(first, array => Assert.True(_samples.WasReturned(array)));
        Assert.Equal(2, _samples.Outstanding);

        reorderer.Dispose();
        Assert.Equal((4, 0, 0), (_samples.ReturnedCount, _samples.Outstanding, _samples.BadReturns));
        Assert.True(_samples.ReturnedArraysUnchanged());
    }
}
