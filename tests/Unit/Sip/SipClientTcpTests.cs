using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary><see cref="ISipClient"/> over TCP on loopback: reusing the peer's connection, or opening one (RFC 3261 §18.1.1).</summary>
public sealed class SipClientTcpTests : IAsyncLifetime
{
    private readonly AnsweringSipHandler _handler = new();
    private readonly TestMeterFactory _meters = new();
    private SipStack _stack = null!;

    public async ValueTask InitializeAsync()
    {
        _stack = new SipStack(new SipStackOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, _handler, TimeProvider.System,
            NullLoggerFactory.Instance, _meters);
        await _stack.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stack.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task Rfc3261_18_1_1_ABYEGoesOnTheConnectionThePeerOpened()
    {
        await using var peer = await LoopbackSipPeer.ConnectAsync(_stack.TcpPort);
        await peer.WriteAsync(SipTestMessages.Options("z9hG4bKpeer1", transport: "TCP", sentBy: $"127.0.0.1:{peer.LocalEndPoint.Port}"));
        Assert.Equal(200, Assert.IsType<SipResponse>(await peer.ReadAsync()).StatusCode);

        // Nobody listens at EndPoint: only the reuse of the peer's connection can deliver the BYE.
        var target = new SipTarget(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, UnusedPort()), peer.LocalEndPoint);
        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(peer.LocalEndPoint), target, TestContext.Current.CancellationToken);

        var bye = Assert.IsType<SipRequest>(await peer.ReadAsync());
        Assert.Equal("BYE", bye.Method);
        Assert.Equal("TCP", bye.TopVia.Transport);
        Assert.Equal($"127.0.0.1:{_stack.TcpPort}", bye.TopVia.SentBy);
        await peer.WriteAsync(SipResponse.CreateFor(bye, 200));

        Assert.Equal(200, (await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken))?.StatusCode);
        Assert.Equal(1, _stack.TcpConnectionCount);
    }

    [Fact]
    public async Task Rfc3261_18_1_1_WithNoConnectionANewOneIsOpenedAndServesRequestsBothWays()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var target = new SipTarget(SipTransportKind.Tcp, (IPEndPoint)listener.LocalEndPoint!);

        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(target.EndPoint), target, TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LoopbackSipPeer.Timeout);
        await using var peer = new LoopbackSipPeer(await listener.AcceptAsync(timeout.Token));
        var bye = Assert.IsType<SipRequest>(await peer.ReadAsync());
        await peer.WriteAsync(SipResponse.CreateFor(bye, 200));
        Assert.Equal(200, (await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken))?.StatusCode);

        // A second request to the same destination reuses the connection we opened...
        var second = _stack.SendRequestAsync(SipClientTestRequests.Bye(target.EndPoint, "bye-2@127.0.0.1"), target,
            TestContext.Current.CancellationToken);
        var bye2 = Assert.IsType<SipRequest>(await peer.ReadAsync());
        await peer.WriteAsync(SipResponse.CreateFor(bye2, 481));
        Assert.Equal(481, (await second.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken))?.StatusCode);

        // ...and the peer's requests on it reach the transaction user and are answered on it.
        await peer.WriteAsync(SipTestMessages.Options("z9hG4bKback1", transport: "TCP", sentBy: $"127.0.0.1:{target.EndPoint.Port}"));
        Assert.Equal(200, Assert.IsType<SipResponse>(await peer.ReadAsync()).StatusCode);
        await _handler.WaitForRequestsAsync(1);
        Assert.Equal("OPTIONS", _handler.Requests[0].Request.Method);
        Assert.Equal(1, _stack.TcpConnectionCount);
    }

    [Fact]
    public async Task ARequestToATcpEndPointNobodyListensOnEndsWithNoResponse()
    {
        var target = new SipTarget(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, UnusedPort()));

        var outcome = await _stack.SendRequestAsync(SipClientTestRequests.Bye(target.EndPoint), target, TestContext.Current.CancellationToken)
            .WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken);

        Assert.Null(outcome);
        Assert.Equal(1, _stack.Counters.RequestsFailed);
    }

    /// <summary>A loopback port that was free a moment ago (bound, then released).</summary>
    private static int UnusedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
