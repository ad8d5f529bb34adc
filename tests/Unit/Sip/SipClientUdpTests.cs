using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary><see cref="ISipClient"/> over UDP on loopback: a real stack and a UDP socket playing the peer.</summary>
public sealed class SipClientUdpTests : IAsyncLifetime
{
    private readonly UdpClient _peer = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly TestMeterFactory _meters = new();
    private SipStack _stack = null!;

    private IPEndPoint PeerEndPoint => (IPEndPoint)_peer.Client.LocalEndPoint!;

    public async ValueTask InitializeAsync()
    {
        // Short timers so an unanswered request ends (Timer F = 64·T1 = 6.4 s) within the test.
        var timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(100), T2 = TimeSpan.FromMilliseconds(400), T4 = TimeSpan.FromSeconds(1) };
        _stack = new SipStack(new SipStackOptions { ListenAddress = IPAddress.Loopback, Port = 0, Timers = timers },
            new AnsweringSipHandler(), TimeProvider.System, NullLoggerFactory.Instance, _meters);
        await _stack.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stack.DisposeAsync();
        _peer.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task ABYEAnswered200OverUdpReturnsThe200()
    {
        var bye = SipClientTestRequests.Bye(PeerEndPoint);
        var outcome = _stack.SendRequestAsync(bye, new SipTarget(SipTransportKind.Udp, PeerEndPoint), TestContext.Current.CancellationToken);

        var (received, source) = await ReceiveAsync();
        await _peer.SendAsync(SipMessageWriter.ToArray(SipResponse.CreateFor(received, 200)), source, TestContext.Current.CancellationToken);

        var response = await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(200, response?.StatusCode);
        Assert.Equal(_stack.UdpPort, source.Port); // sent from the listening socket, so the answer comes back to it
        Assert.Empty(bye.Headers.GetAll(SipHeaderNames.Via)); // the caller's request is left as it was
    }

    [Fact]
    public async Task Rfc3261_8_1_1_TheStackAddsItsViaWithAFreshBranchAndRportAndMaxForwards()
    {
        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(PeerEndPoint), new SipTarget(SipTransportKind.Udp, PeerEndPoint),
            TestContext.Current.CancellationToken);
        var (first, source) = await ReceiveAsync();
        await _peer.SendAsync(SipMessageWriter.ToArray(SipResponse.CreateFor(first, 200)), source, TestContext.Current.CancellationToken);
        await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken);

        var second = _stack.SendRequestAsync(SipClientTestRequests.Bye(PeerEndPoint, cseq: 3), new SipTarget(SipTransportKind.Udp, PeerEndPoint),
            TestContext.Current.CancellationToken);
        // The first BYE's retransmission (Timer E, 100 ms here) may still arrive after its 200 on a loaded machine: skip it.
        SipRequest next;
        do
        {
            (next, _) = await ReceiveAsync();
        }
        while (next.CSeq.Number != 3);

        await _peer.SendAsync(SipMessageWriter.ToArray(SipResponse.CreateFor(next, 200)), source, TestContext.Current.CancellationToken);
        await second.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken);

        var via = Assert.Single(first.Vias);
        Assert.Equal("UDP", via.Transport);
        Assert.Equal($"127.0.0.1:{_stack.UdpPort}", via.SentBy);
        Assert.StartsWith(ViaHeader.MagicCookie, via.Branch, StringComparison.Ordinal);
        Assert.True(via.HasRport);
        Assert.NotEqual(via.Branch, next.TopVia.Branch);
        Assert.Equal("70", first.Headers.GetFirst(SipHeaderNames.MaxForwards));
        Assert.Equal("0", first.Headers.GetFirst(SipHeaderNames.ContentLength));
    }

    [Fact]
    public async Task Rfc3261_17_1_2_2_AnUnansweredBYEIsRetransmittedThenEndsWithNoResponse()
    {
        var outcome = _stack.SendRequestAsync(SipClientTestRequests.Bye(PeerEndPoint), new SipTarget(SipTransportKind.Udp, PeerEndPoint),
            TestContext.Current.CancellationToken);

        var copies = new List<SipRequest>();
        for (var i = 0; i < 3; i++)
        {
            copies.Add((await ReceiveAsync()).Request);
        }

        Assert.Single(copies.Select(c => c.TopVia.Branch).Distinct());
        Assert.Null(await outcome.WaitAsync(LoopbackSipPeer.Timeout, TestContext.Current.CancellationToken));
        Assert.Equal(1, _stack.Counters.RequestsFailed);
    }

    private async Task<(SipRequest Request, IPEndPoint Source)> ReceiveAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LoopbackSipPeer.Timeout);
        var datagram = await _peer.ReceiveAsync(timeout.Token);
        return ((SipRequest)SipMessageParser.Parse(datagram.Buffer, 65535), datagram.RemoteEndPoint);
    }
}
