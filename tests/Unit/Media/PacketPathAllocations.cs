using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>
/// The per-packet path (parse, reorder, decode, write, count) of one codec, warmed up, then measured: it must allocate
/// nothing. Shared by the unit tests (codecs in managed code) and the integration tests (G.729 through libbcg729).
/// </summary>
internal static class PacketPathAllocations
{
    /// <summary>Arrival order of one round (a field: a span literal of ints allocates in Debug builds).</summary>
    private static readonly int[] Order = [0, 1, 3, 2, 2, 5, 6, 7, 8, 9];

    public static void AssertNoneInSteadyState(AudioCodec codec, int payloadType)
    {
        using var meterFactory = new TestMeterFactory();
        var metrics = new MediaMetrics(meterFactory);
        long measured = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MediaMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => measured += value);
        listener.Start();

        var sink = new CountingPcmSink();
        var reorderer = new RtpJitterReorderer(sink, 5, 1488, TimeSpan.FromMinutes(10), 1000, metrics);
        reorderer.Configure(codec, payloadType, 101);
        var payload = new byte[160];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 3);
        }

        var datagram = RtpPacketWriter.Build(payloadType, 0, 0, 42, payload);

        // Each round: in order, one reordered pair, one duplicate, one loss, one telephone event.
        void Run(int rounds, int firstRound)
        {
            for (var round = firstRound; round < firstRound + rounds; round++)
            {
                var sequenceBase = round * 10;
                foreach (var offset in Order)
                {
                    var sequence = sequenceBase + offset;
                    datagram[1] = (byte)(offset == 9 ? 101 : payloadType);
                    BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)sequence);
                    BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(4), (uint)(sequence * 160));
                    Assert.True(RtpPacket.TryParse(datagram, out var packet));
                    reorderer.Push(packet, sequence * 20L);
                }
            }
        }

        Run(20, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(100, 20);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sink.Samples > 100 * 7 * 160);
        Assert.True(measured > 0);
        var stats = reorderer.GetStats(0, 0, 0);
        Assert.Equal(120, stats.PacketsDuplicate);
        Assert.Equal(120, stats.PacketsLost);
        Assert.Equal(120, stats.TelephoneEvents);
    }
}
