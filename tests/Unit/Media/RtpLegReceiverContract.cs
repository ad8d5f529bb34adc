using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>
/// The receiver on a real loopback socket, read either by its own async loop (<see cref="RtpLegReceiverTests"/>) or by
/// the node's epoll/recvmmsg receive engine (<see cref="RtpLegReceiverOnEngineTests"/>): both must behave the same.
/// </summary>
public abstract class RtpLegReceiverContract : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestMeterFactory _meterFactory = new();
    private readonly RecordingPcmSink _sink = new();
    private readonly Socket _socket;
    private readonly RtpLegReceiver _receiver;
    private readonly IPEndPoint _receiverEndPoint;
    private readonly List<RtpReceiveEngine> _engines = [];

    protected RtpLegReceiverContract()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiverEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiver = NewReceiver(_socket, _sink, TimeProvider.System);
    }

    /// <summary>The engine the receivers of this class use, on <paramref name="time"/>; null for the leg's own loop.</summary>
    private protected abstract RtpReceiveEngine? CreateEngine(TimeProvider time);

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        foreach (var engine in _engines)
        {
            engine.Dispose();
        }

        _meterFactory.Dispose();
        GC.SuppressFinalize(this);
    }

    private RtpLegReceiver NewReceiver(Socket socket, IPcmSink sink, TimeProvider time)
    {
        var engine = CreateEngine(time);
        if (engine is not null)
        {
            _engines.Add(engine);
        }

        return new RtpLegReceiver(socket, sink, new RtpReceiverOptions(), time, new MediaMetrics(_meterFactory), NullLogger.Instance, engine);
    }

    private static byte[] Payload(int index)
    {
        var payload = new byte[160];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)((index * 11) + i);
        }

        return payload;
    }

    private static short[] Decode(byte[] payload)
    {
        var pcm = new short[payload.Length];
        AudioDecoders.Create(AudioCodec.Pcmu).Decode(payload, pcm);
        return pcm;
    }

    private static NegotiatedMedia Pcmu(IPAddress? remote) =>
        new(AudioCodec.Pcmu, 0, 101, remote is null ? null : new IPEndPoint(remote, 40000), 20, MediaDirection.SendOnly);

    /// <summary>Packets <paramref name="first"/> on, PCMU, to <paramref name="to"/> (the shared receiver's socket unless given).</summary>
    private void Send(UdpClient client, int first, int count, uint ssrc = 0xCAFE, IPEndPoint? to = null)
    {
        for (var i = first; i < first + count; i++)
        {
            client.Send(RtpPacketWriter.Build(0, (ushort)(100 + i), (uint)(8000 + (160 * i)), ssrc, Payload(i)), to ?? _receiverEndPoint);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string phase)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for: {phase}");
            }
        }
    }

    /// <summary>
    /// SRTP on the receive path (RFC 3711 §3.3): authenticated packets are decrypted and recorded; a forged one (one
    /// bit flipped) and a replayed one are dropped and counted and add nothing to the recording.
    /// </summary>
    [Theory]
    [InlineData(OrleansRecorder.Silo.Media.Srtp.SrtpSuite.AesCm128HmacSha1_80)]
    [InlineData(OrleansRecorder.Silo.Media.Srtp.SrtpSuite.AeadAes128Gcm)]
    public async Task SrtpPacketsAreDecryptedAndForgedOrReplayedOnesDroppedAndCounted(OrleansRecorder.Silo.Media.Srtp.SrtpSuite suite)
    {
        var key = Srtp.SrtpTestProtector.NewKey(suite);
        _receiver.Start();
        _receiver.Configure(Pcmu(IPAddress.Loopback) with { Srtp = key });
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] Protected(int i) => Srtp.SrtpTestProtector.Protect(key, RtpPacketWriter.Build(0, (ushort)(100 + i), (uint)(8000 + (160 * i)), 0xCAFE, Payload(i)), 0);

        for (var i = 0; i < 10; i++)
        {
            sender.Send(Protected(i), _receiverEndPoint);
        }

        var forged = Protected(10);
        forged[30] ^= 0x01;
        sender.Send(forged, _receiverEndPoint);
        sender.Send(Protected(5), _receiverEndPoint);
        for (var i = 10; i < 20; i++)
        {
            sender.Send(Protected(i), _receiverEndPoint);
        }

        await _sink.WaitForSamplesAsync(20 * 160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await _receiver.StopAsync();

        Assert.Equal(Enumerable.Range(0, 20).SelectMany(i => Decode(Payload(i))).ToArray(), _sink.Samples);
        var stats = _receiver.GetStats();
        Assert.Equal(22, stats.PacketsReceived);
        Assert.Equal(1, stats.PacketsAuthFailed);
        Assert.Equal(1, stats.PacketsReplayed);
        Assert.Equal(0, stats.PacketsDuplicate);
        Assert.Equal(OrleansRecorder.Silo.Media.Srtp.SrtpSuites.Name(suite), stats.SrtpSuite);
    }

    [Fact]
    public async Task StoppingReadsThePacketsStillQueuedInTheSocket()
    {
        // The BYE can overtake the last packets: whatever the socket still holds at stop belongs to the call.
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _receiver.Configure(Pcmu(IPAddress.Loopback));
        Send(sender, 0, 30);
        await WaitUntilAsync(() => _socket.Available > 0, "datagrams queued");
        _receiver.Start();
        await _receiver.StopAsync();

        Assert.Equal(30 * 160, _sink.Samples.Length);
        Assert.Equal(30, _receiver.GetStats().PacketsReceived);
    }

    [Fact]
    public async Task AStopAskedAgainWhileTheFirstIsStillWritingEndsOnlyWithIt()
    {
        // The finalization of a call awaits every leg's stop, including one that the leg's own BYE began and that is
        // still reading and writing what the socket held: its answer must come after the last packet is written.
        var sink = new GatedPcmSink();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var receiver = NewReceiver(socket, sink, TimeProvider.System);
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.Configure(Pcmu(IPAddress.Loopback));
        Send(sender, 0, 30, to: (IPEndPoint)socket.LocalEndPoint!);

        await WaitUntilAsync(() => socket.Available > 0, "datagrams queued");
        receiver.Start();

        // On other threads: a stop may wait synchronously for the receive thread that is in the middle of a write.
        var first = Task.Run(receiver.StopAsync, TestContext.Current.CancellationToken);
        Assert.True(sink.Waiting.Wait(Timeout, TestContext.Current.CancellationToken), "a write reached the sink");
        var second = Task.Run(receiver.StopAsync, TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        sink.Open();
        await Task.WhenAll(first, second).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(30, receiver.GetStats().PacketsReceived);
        Assert.Equal(30 * 160, sink.Samples);
    }

    [Fact]
    public async Task ReceivesFiftyPcmuPacketsAsDecodedSamples()
    {
        _receiver.Start();
        _receiver.Configure(Pcmu(IPAddress.Loopback));
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        Send(sender, 0, 50);
        await _sink.WaitForSamplesAsync(50 * 160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await _receiver.StopAsync();

        Assert.Equal(Enumerable.Range(0, 50).SelectMany(i => Decode(Payload(i))).ToArray(), _sink.Samples);
        Assert.True(_receiver.HasReceivedAudio);
        var stats = _receiver.GetStats();
        Assert.Equal(50, stats.PacketsReceived);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(8000, stats.SamplesWritten);
    }

    [Fact]
    public async Task DropsPacketsFromAnotherSourceAddress()
    {
        _receiver.Start();
        _receiver.Configure(Pcmu(IPAddress.Loopback));
        // Linux routes all of 127.0.0.0/8 to lo, so a second loopback address is always bindable.
        var intruder = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));

        using (intruder)
        using (var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            Send(intruder, 0, 10, ssrc: 0xBAD);
            Send(peer, 0, 10);
            await _sink.WaitForSamplesAsync(10 * 160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        await _receiver.StopAsync();

        var stats = _receiver.GetStats();
        Assert.Equal(10, stats.PacketsWrongSource);
        Assert.Equal(20, stats.PacketsReceived);
        Assert.Equal(0, stats.SsrcChanges);
        Assert.Equal(1600, _sink.Count);
    }

    [Fact]
    public async Task HoldsPacketsUntilConfigured()
    {
        _receiver.Start();
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        Send(sender, 0, 5);
        await WaitUntilAsync(() => _receiver.GetStats().PacketsReceived == 5, "5 packets received before Configure");

        Assert.Equal(0, _sink.Count);
        Assert.False(_receiver.HasReceivedAudio);

        _receiver.Configure(Pcmu(IPAddress.Loopback));

        Assert.Equal(5 * 160, _sink.Count);
        Send(sender, 5, 5);
        await _sink.WaitForSamplesAsync(10 * 160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => Decode(Payload(i))).ToArray(), _sink.Samples);
    }

    [Fact]
    public async Task LatchesOnTheFirstSourceWhenTheSdpGaveNoAddress()
    {
        _receiver.Start();
        _receiver.Configure(Pcmu(null));
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Send(peer, 0, 3);
        await _sink.WaitForSamplesAsync(3 * 160).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        // Linux routes all of 127.0.0.0/8 to lo, so a second loopback address is always bindable.
        var intruder = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));

        using (intruder)
        {
            Send(intruder, 3, 2, ssrc: 0xBAD);
            Send(peer, 3, 2);
            await _sink.WaitForSamplesAsync(5 * 160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        await _receiver.StopAsync();
        Assert.Equal(2, _receiver.GetStats().PacketsWrongSource);
        Assert.Equal(5 * 160, _sink.Count);
    }

    [Fact]
    public async Task MalformedDatagramsAreCountedAndStopIsIdempotent()
    {
        _receiver.Start();
        _receiver.Configure(Pcmu(IPAddress.Loopback));
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        sender.Send([1, 2, 3], _receiverEndPoint);
        Send(sender, 0, 1);
        await _sink.WaitForSamplesAsync(160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        var first = _receiver.StopAsync();
        var second = _receiver.StopAsync();
        await first;
        await second;

        Assert.Same(first, second);
        Assert.Equal(1, _receiver.GetStats().PacketsMalformed);
    }

    [Fact]
    public async Task IdleTimeCountsFromStartUntilAPacketIsAccepted()
    {
        var time = new FakeTimeProvider();
        var sink = new RecordingPcmSink();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)socket.LocalEndPoint!;
        await using var receiver = NewReceiver(socket, sink, time);
        receiver.Start();
        receiver.Configure(Pcmu(IPAddress.Loopback));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), receiver.IdleTime);

        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        sender.Send(RtpPacketWriter.Build(0, 1, 160, 7, Payload(0)), endPoint);
        await sink.WaitForSamplesAsync(160).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(2));

        // Counted from the packet's arrival: the engine takes it from the kernel's stamp, a real instant shortly before
        // the fake clock's reading, so it may be a little more than the 2 s advanced.
        Assert.InRange(receiver.IdleTime, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
    }
}
