using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// Disposal is idempotent and never throws: the SIP edge disposes the stack on stop and DI disposes it again (a node
/// stopped with SIGTERM used to exit 134 on the second dispose).
/// </summary>
public sealed class SipStackDisposalTests
{
    [Fact]
    public async Task DisposingAStartedStackTwiceDoesNotThrowAndPendingRequestsEndWithNoResponse()
    {
        using var meters = new TestMeterFactory();
        using var silentPeer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var stack = new SipStack(new SipStackOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, new AnsweringSipHandler(),
            TimeProvider.System, NullLoggerFactory.Instance, meters);
        await stack.StartAsync(TestContext.Current.CancellationToken);
        await using var tcpPeer = await LoopbackSipPeer.ConnectAsync(stack.TcpPort);
        var peer = (IPEndPoint)silentPeer.Client.LocalEndPoint!;
        var pending = stack.SendRequestAsync(SipClientTestRequests.Bye(peer), new SipTarget(SipTransportKind.Udp, peer),
            TestContext.Current.CancellationToken);

        await stack.DisposeAsync();
        await stack.DisposeAsync();

        Assert.Null(await pending.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken));
        Assert.Null(await stack.SendRequestAsync(SipClientTestRequests.Bye(peer), new SipTarget(SipTransportKind.Udp, peer),
            TestContext.Current.CancellationToken));
        Assert.Null(await tcpPeer.ReadAsync()); // its connection was closed
    }

    [Fact]
    public async Task DisposingAStackThatNeverStartedTwiceDoesNotThrow()
    {
        using var meters = new TestMeterFactory();
        var stack = new SipStack(new SipStackOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, new AnsweringSipHandler(),
            TimeProvider.System, NullLoggerFactory.Instance, meters);

        await stack.DisposeAsync();
        await stack.DisposeAsync();

        Assert.Equal(0, stack.TcpConnectionCount);
    }

    [Fact]
    public async Task DisposingTheUdpTransportTwiceDoesNotThrow()
    {
        var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), 65535, new RecordingTransportSink());
        transport.Start();

        await transport.DisposeAsync();
        await transport.DisposeAsync();

        Assert.False(transport.Send(OrleansRecorder.Silo.Sip.Messages.SipResponse.CreateFor(TransactionTestKit.Request("OPTIONS", "z9hG4bKdisposed"), 200), new IPEndPoint(IPAddress.Loopback, 9)));
    }
}
