using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Media.Srtp;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Media.Srtp;

/// <summary>
/// The SRTP receive path of <see cref="RtpLegReceiver"/> (the engine's entry: source check, authenticate, decrypt,
/// parse, reorder, decode, write) allocates nothing per packet once warmed up, for every suite.
/// </summary>
public sealed class SrtpAllocationTests
{
    private const int Warmup = 400;
    private const int Measured = 2000;

    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpSuite.AesCm128HmacSha1_32)]
    [InlineData(SrtpSuite.AeadAes128Gcm)]
    [InlineData(SrtpSuite.AeadAes256Gcm)]
    public async Task SteadyStateSrtpReceiveAllocatesNothingPerPacket(SrtpSuite suite)
    {
        using var meterFactory = new TestMeterFactory();
        var sink = new CountingPcmSink();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var receiver = new RtpLegReceiver(socket, sink, new RtpReceiverOptions(), TimeProvider.System,
            new MediaMetrics(meterFactory), NullLogger.Instance);
        var key = SrtpTestProtector.NewKey(suite);
        receiver.Configure(new NegotiatedMedia(AudioCodec.Pcmu, 0, 101, new IPEndPoint(IPAddress.Loopback, 40000), 20, MediaDirection.SendOnly)
        {
            Srtp = key,
        });

        // Every packet protected up front: the measured loop only hands datagrams to the receiver.
        var payload = new byte[160];
        var packets = new byte[Warmup + Measured][];
        for (var i = 0; i < packets.Length; i++)
        {
            var sequence = 65000 + i;
            packets[i] = SrtpTestProtector.Protect(key, SrtpTestProtector.Rtp((ushort)sequence, (uint)(sequence * 160), 0xBEEF, payload), (uint)(sequence >> 16));
        }

        // A Linux sockaddr_in from 127.0.0.1:40000 (family in host order, port and address in network order).
        var source = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(source, 2);
        BinaryPrimitives.WriteUInt16BigEndian(source.AsSpan(2), 40000);
        IPAddress.Loopback.TryWriteBytes(source.AsSpan(4), out _);
        IRtpDatagramHandler handler = receiver;

        for (var i = 0; i < Warmup; i++)
        {
            handler.OnDatagram(packets[i], source, i * 20L);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = Warmup; i < packets.Length; i++)
        {
            handler.OnDatagram(packets[i], source, i * 20L);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        var stats = receiver.GetStats();
        Assert.Equal(0, stats.PacketsAuthFailed);
        Assert.Equal(0, stats.PacketsWrongSource);
        Assert.True(sink.Samples >= (Measured - 10) * 160, $"{sink.Samples} samples written");
    }
}
