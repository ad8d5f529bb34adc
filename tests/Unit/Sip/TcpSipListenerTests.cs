using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>TCP hardening on loopback: idle timeout, connection caps, a peer that does not read, RFC 3261 §18.2.2.</summary>
public sealed class TcpSipListenerTests
{
    private readonly RecordingTransportSink _sink = new();

    [Fact]
    public async Task AConnectionIdleForTheIdleTimeoutIsClosed()
    {
        var time = new FakeTimeProvider();
        await using var listener = Start(new TcpSipSettings { IdleTimeout = TimeSpan.FromMinutes(1) }, time);
        await using var peer = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await peer.WriteAsync(Options("z9hG4bKidle1", peer));
        await _sink.NextRequestAsync(); // the connection is admitted and read

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, listener.ConnectionCount);

        time.Advance(TimeSpan.FromSeconds(1));
        var closed = await _sink.NextClosedAsync();
        Assert.Equal(TcpCloseReasons.IdleTimeout, closed.Reason);
        Assert.Equal(peer.LocalEndPoint, closed.Remote);
        Assert.Null(await peer.ReadAsync()); // the peer sees the close
    }

    [Fact]
    public async Task TrafficOnAConnectionPostponesItsIdleTimeout()
    {
        var time = new FakeTimeProvider();
        await using var listener = Start(new TcpSipSettings { IdleTimeout = TimeSpan.FromMinutes(1) }, time);
        await using var peer = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await peer.WriteAsync(Options("z9hG4bKbusy1", peer));
        await _sink.NextRequestAsync();

        time.Advance(TimeSpan.FromSeconds(40));
        await peer.WriteAsync(Options("z9hG4bKbusy2", peer));
        await _sink.NextRequestAsync();
        time.Advance(TimeSpan.FromSeconds(40)); // 80 s since the connection opened, 40 s since the last request

        await peer.WriteAsync(Options("z9hG4bKbusy3", peer));
        var (request, _) = await _sink.NextRequestAsync();
        Assert.Equal("z9hG4bKbusy3", request.TopVia.Branch);
    }

    [Fact]
    public async Task AConnectionOverThePerSourceCapIsClosedAtOnceAndReported()
    {
        await using var listener = Start(new TcpSipSettings { MaxConnectionsPerSource = 2 });
        await using var first = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await first.WriteAsync(Options("z9hG4bKcap1", first));
        await _sink.NextRequestAsync();
        await using var second = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await second.WriteAsync(Options("z9hG4bKcap2", second));
        await _sink.NextRequestAsync();

        await using var third = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);

        var refused = await _sink.NextRefusedAsync();
        Assert.Equal((third.LocalEndPoint, TcpCloseReasons.TooManyFromSource), refused);
        Assert.Null(await third.ReadAsync());
        await first.WriteAsync(Options("z9hG4bKcap3", first)); // the admitted ones are unaffected
        Assert.Equal("z9hG4bKcap3", (await _sink.NextRequestAsync()).Request.TopVia.Branch);
        Assert.Equal(2, listener.ConnectionCount);
    }

    [Fact]
    public async Task AConnectionOverTheTotalCapIsClosedAtOnceAndReported()
    {
        await using var listener = Start(new TcpSipSettings { MaxConnections = 1 });
        await using var first = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await first.WriteAsync(Options("z9hG4bKtotal1", first));
        await _sink.NextRequestAsync();

        await using var second = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);

        Assert.Equal((second.LocalEndPoint, TcpCloseReasons.TooManyConnections), await _sink.NextRefusedAsync());
        Assert.Null(await second.ReadAsync());
    }

    [Fact]
    public async Task APeerThatDoesNotReadHasItsConnectionClosedAndSendNeverBlocks()
    {
        await using var listener = Start(new TcpSipSettings { MaxQueuedMessages = 64, MaxQueuedBytes = 256 * 1024 });
        await using var peer = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port, receiveBufferSize: 4096);
        await peer.WriteAsync(Options("z9hG4bKslow1", peer));
        var (request, channel) = await _sink.NextRequestAsync();
        var connection = Assert.IsType<TcpSipConnection>(channel);
        var big = SipResponse.CreateFor(request, 200);
        big.Body = new byte[16 * 1024];

        // Loopback kernel buffers hold a few MiB; 4,000 × 16 KiB is far more, so the queue must fill first.
        var sent = 0;
        while (sent < 4000 && connection.TrySend(big))
        {
            sent++;
        }

        Assert.True(sent < 4000, "the queue never filled");
        Assert.True(connection.IsClosed);
        Assert.Equal(TcpCloseReasons.SendQueueFull, (await _sink.NextClosedAsync()).Reason);
        Assert.False(connection.TrySend(big));
    }

    [Fact]
    public async Task Rfc3261_18_2_2_AResponseWhoseConnectionIsGoneGoesOnANewConnectionToTheViaSentByPort()
    {
        using var viaListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        viaListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        viaListener.Listen(4);
        var viaPort = ((IPEndPoint)viaListener.LocalEndPoint!).Port;
        await using var listener = Start(new TcpSipSettings());
        var peer = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await peer.WriteAsync(SipTestMessages.Options("z9hG4bKgone1", transport: "TCP", sentBy: $"127.0.0.1:{viaPort}"));
        var (request, channel) = await _sink.NextRequestAsync();

        await peer.DisposeAsync();
        Assert.Equal(TcpCloseReasons.ClosedByPeer, (await _sink.NextClosedAsync()).Reason);
        channel.Send(SipResponse.CreateFor(request, 200).WithToTag("rec"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LoopbackSipPeer.Timeout);
        await using var reconnected = new LoopbackSipPeer(await viaListener.AcceptAsync(timeout.Token));
        var response = Assert.IsType<SipResponse>(await reconnected.ReadAsync());
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("z9hG4bKgone1", response.TopVia.Branch);
    }

    [Fact]
    public async Task DisposingTheListenerAndAConnectionTwiceDoesNotThrow()
    {
        var listener = Start(new TcpSipSettings());
        await using var peer = await LoopbackSipPeer.ConnectAsync(listener.LocalEndPoint.Port);
        await peer.WriteAsync(Options("z9hG4bKdispose1", peer));
        var connection = Assert.IsType<TcpSipConnection>((await _sink.NextRequestAsync()).Channel);

        await connection.DisposeAsync();
        await connection.DisposeAsync();
        await listener.DisposeAsync();
        await listener.DisposeAsync();

        Assert.Equal(0, listener.ConnectionCount);
        Assert.Null(await peer.ReadAsync());
    }

    private TcpSipListener Start(TcpSipSettings settings, TimeProvider? time = null)
    {
        var listener = new TcpSipListener(new IPEndPoint(IPAddress.Loopback, 0), settings, time ?? TimeProvider.System, _sink);
        listener.Start();
        return listener;
    }

    private static string Options(string branch, LoopbackSipPeer peer) =>
        SipTestMessages.Options(branch, transport: "TCP", sentBy: $"127.0.0.1:{peer.LocalEndPoint.Port}");
}
