using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>
/// The leg's source rules (<see cref="MediaSourceRule"/>), fed datagrams directly as the receive engine hands them over
/// (a native sockaddr_in beside each), so the source addresses are whatever the test says and nothing is timed.
/// </summary>
public sealed class RtpSourceRuleTests : IAsyncDisposable
{
    private const uint FirstSsrc = 0xCAFE;
    private readonly TestMeterFactory _meterFactory = new();
    private readonly CountingPcmSink _sink = new();
    private readonly byte[] _payload = new byte[160];
    private RtpLegReceiver? _receiver;
    private int _sequence;

    public async ValueTask DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        _meterFactory.Dispose();
    }

    private RtpLegReceiver Receiver(MediaSourceRule rule, IPEndPoint? declared)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiver = new RtpLegReceiver(socket, _sink, new RtpReceiverOptions(), TimeProvider.System, new MediaMetrics(_meterFactory), NullLogger.Instance)
        {
            SourceRule = rule,
        };
        _receiver.Configure(Pcmu(declared));
        return _receiver;
    }

    private static NegotiatedMedia Pcmu(IPEndPoint? remote) => new(AudioCodec.Pcmu, 0, 101, remote, 20, MediaDirection.SendOnly);

    /// <summary>A Linux sockaddr_in: family (host order), port (network order), address.</summary>
    internal static byte[] SocketAddress(string address, int port)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 2), (ushort)2);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)port);
        IPAddress.Parse(address).TryWriteBytes(bytes.AsSpan(4), out _);
        return bytes;
    }

    private void Send(RtpLegReceiver receiver, string address, int port, int count, uint ssrc = FirstSsrc)
    {
        var from = SocketAddress(address, port);
        for (var i = 0; i < count; i++)
        {
            var sequence = _sequence++;
            var datagram = RtpPacketWriter.Build(0, (ushort)sequence, (uint)(sequence * 160), ssrc, _payload);
            ((IRtpDatagramHandler)receiver).OnDatagram(datagram, from, sequence * 20L);
        }
    }

    [Fact]
    public async Task StrictRefusesEveryPacketFromAnotherAddressAndKeepsWhereTheyCameFrom()
    {
        var receiver = Receiver(MediaSourceRule.Strict, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 18000));

        Send(receiver, "127.0.0.1", 18000, 10);
        await receiver.StopAsync();

        var stats = receiver.GetStats();
        Assert.False(receiver.HasReceivedAudio);
        Assert.Equal(0, _sink.Samples);
        Assert.Equal(10, stats.PacketsWrongSource);
        Assert.Equal("127.0.0.1:18000", stats.RefusedSource);
        Assert.Equal("127.0.0.2:18000", stats.DeclaredSource);
        Assert.Null(stats.LatchedSource);
        Assert.Equal("strict", stats.SourceRule);
        Assert.Equal("wrong-source", RecordingCoordinator.NoAudioReason(null, stats));
    }

    [Fact]
    public async Task StrictTakesTheDeclaredAddressFromAnyPortAndKeepsTheFirstRefusedSource()
    {
        var receiver = Receiver(MediaSourceRule.Strict, new IPEndPoint(IPAddress.Loopback, 18000));

        Send(receiver, "127.0.0.3", 5000, 2, ssrc: 0xBAD);
        Send(receiver, "127.0.0.1", 18002, 5);
        Send(receiver, "127.0.0.4", 6000, 1, ssrc: 0xBAD);
        await receiver.StopAsync();

        var stats = receiver.GetStats();
        Assert.Equal(5 * 160, _sink.Samples);
        Assert.Equal(3, stats.PacketsWrongSource);
        Assert.Equal("127.0.0.3:5000", stats.RefusedSource);
    }

    [Fact]
    public async Task LatchTakesTheFirstStreamWhateverTheSdpDeclared()
    {
        // baresip on a two-address host: the SDP names one address, the packets leave from the other.
        var receiver = Receiver(MediaSourceRule.Latch, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 18000));

        Send(receiver, "127.0.0.1", 18000, 10);
        await receiver.StopAsync();

        var stats = receiver.GetStats();
        Assert.True(receiver.HasReceivedAudio);
        Assert.Equal(10 * 160, _sink.Samples);
        Assert.Equal(0, stats.PacketsWrongSource);
        Assert.Equal("127.0.0.1:18000", stats.LatchedSource);
        Assert.Equal(FirstSsrc, stats.LatchedSsrc);
        Assert.Equal("127.0.0.2:18000", stats.DeclaredSource);
        Assert.Equal("latch", stats.SourceRule);
        Assert.Null(stats.RefusedSource);
    }

    [Fact]
    public async Task LatchRefusesAnotherAddressAnotherPortAndAnotherSsrcOnceLatched()
    {
        var receiver = Receiver(MediaSourceRule.Latch, new IPEndPoint(IPAddress.Loopback, 18000));

        Send(receiver, "127.0.0.1", 18000, 3);
        Send(receiver, "127.0.0.5", 18000, 1);
        Send(receiver, "127.0.0.1", 18001, 1);
        Send(receiver, "127.0.0.1", 18000, 1, ssrc: 0xBAD);
        Send(receiver, "127.0.0.1", 18000, 2);
        await receiver.StopAsync();

        var stats = receiver.GetStats();
        Assert.Equal(3, stats.PacketsWrongSource);
        Assert.Equal("127.0.0.5:18000", stats.RefusedSource);
        Assert.Equal("127.0.0.1:18000", stats.LatchedSource);
        Assert.Equal(0, stats.SsrcChanges);
        // The refused packets' sequence numbers are holes in the latched stream: filled with silence, not with their audio.
        Assert.Equal(5 * 160, _sink.Samples);
    }

    [Fact]
    public async Task LatchIsReleasedWhenTheSdpNamesAnotherSource()
    {
        var receiver = Receiver(MediaSourceRule.Latch, new IPEndPoint(IPAddress.Loopback, 18000));
        Send(receiver, "127.0.0.1", 18000, 2);

        // A re-INVITE moves the stream: the new one is latched, the old one refused.
        receiver.Configure(Pcmu(new IPEndPoint(IPAddress.Parse("127.0.0.6"), 19000)));
        Send(receiver, "127.0.0.6", 19000, 2, ssrc: 0xD00D);
        Send(receiver, "127.0.0.1", 18000, 1);
        await receiver.StopAsync();

        var stats = receiver.GetStats();
        Assert.Equal("127.0.0.6:19000", stats.LatchedSource);
        Assert.Equal(0xD00Du, stats.LatchedSsrc);
        Assert.Equal(1, stats.PacketsWrongSource);
    }

    [Fact]
    public async Task ALegThatGotNothingSaysNoMedia()
    {
        var receiver = Receiver(MediaSourceRule.Strict, new IPEndPoint(IPAddress.Loopback, 18000));
        await receiver.StopAsync();

        Assert.Equal("no-media", RecordingCoordinator.NoAudioReason(null, receiver.GetStats()));
        Assert.Equal("no-ack", RecordingCoordinator.NoAudioReason("no-ack", receiver.GetStats()));
    }

    [Fact]
    public async Task ALegThatGotOnlyUnplayablePacketsSaysUnusableMedia()
    {
        var receiver = Receiver(MediaSourceRule.Strict, new IPEndPoint(IPAddress.Loopback, 18000));
        ((IRtpDatagramHandler)receiver).OnDatagram([1, 2, 3], SocketAddress("127.0.0.1", 18000), 0);
        await receiver.StopAsync();

        Assert.Equal("unusable-media", RecordingCoordinator.NoAudioReason(null, receiver.GetStats()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheSourceChecksAllocateNothingPerPacket(bool latch)
    {
        var receiver = Receiver(latch ? MediaSourceRule.Latch : MediaSourceRule.Strict, new IPEndPoint(IPAddress.Loopback, 18000));
        var taken = SocketAddress("127.0.0.1", 18000);
        var refused = SocketAddress("127.0.0.9", 7000);
        var datagram = RtpPacketWriter.Build(0, 0, 0, FirstSsrc, _payload);
        var handler = (IRtpDatagramHandler)receiver;

        void Run(int first, int count)
        {
            for (var i = first; i < first + count; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)i);
                BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(4), (uint)(i * 160));
                handler.OnDatagram(datagram, taken, i * 20L);
                handler.OnDatagram(datagram, refused, i * 20L);
            }
        }

        // The warm-up latches (once, with its log line) and records the first refused source.
        Run(0, 50);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(50, 500);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await receiver.StopAsync();

        Assert.Equal(0, allocated);
        Assert.Equal(550 * 160, _sink.Samples);
        Assert.Equal(550, receiver.GetStats().PacketsWrongSource);
    }
}
