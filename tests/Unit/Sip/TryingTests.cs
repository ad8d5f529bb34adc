using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// RFC 3261 §17.2.1: the 100 (Trying) of an INVITE is owed only when the handling has not answered within 200 ms;
/// real stack on loopback UDP, a handler that answers at once or holds the INVITE until the test lets it go.
/// </summary>
public sealed class TryingTests : IAsyncLifetime
{
    private readonly HoldingHandler _handler = new();
    private readonly UdpClient _client = new(new IPEndPoint(IPAddress.Loopback, 0));
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
        _handler.Release.TrySetResult();
        await _stack.DisposeAsync();
        _client.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Rfc3261Section17_2_1_AnInviteAnsweredAtOnceGetsNo100()
    {
        _handler.Release.SetResult();
        await SendAsync(Invite("z9hG4bKquick1", "quick-1@127.0.0.1"));

        Assert.StartsWith("SIP/2.0 200 ", await ReceiveAsync(), StringComparison.Ordinal);

        // No late 100 follows: what comes in the next 700 ms is only the 200 again (retransmitted until an ACK).
        await Task.Delay(700, TestContext.Current.CancellationToken);
        while (_client.Available > 0)
        {
            Assert.StartsWith("SIP/2.0 200 ", await ReceiveAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rfc3261Section17_2_1_AnInviteStillInHandlingAfter200MsGets100ThenItsFinalResponse()
    {
        var sent = Stopwatch.StartNew();
        await SendAsync(Invite("z9hG4bKslow1", "slow-1@127.0.0.1"));

        var first = await ReceiveAsync();
        var waited = sent.Elapsed;
        _handler.Release.SetResult();
        var second = await ReceiveAsync();

        Assert.StartsWith("SIP/2.0 100 ", first, StringComparison.Ordinal);
        Assert.True(waited >= TimeSpan.FromMilliseconds(190), $"100 after {waited.TotalMilliseconds} ms");
        Assert.StartsWith("SIP/2.0 200 ", second, StringComparison.Ordinal);
    }

    private string SentBy => $"127.0.0.1:{((IPEndPoint)_client.Client.LocalEndPoint!).Port}";

    private string Invite(string branch, string callId) =>
        $"INVITE sip:7878@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP {SentBy};branch={branch}\r\n" +
        "From: <sip:1001@127.0.0.1;x-nearend;x-refci=1>;tag=f1\r\n" +
        "To: <sip:7878@127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\n" +
        "CSeq: 101 INVITE\r\n" +
        "Contact: <sip:1001@127.0.0.1>\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    private async Task SendAsync(string request) =>
        await _client.SendAsync(Encoding.UTF8.GetBytes(request), new IPEndPoint(IPAddress.Loopback, _stack.UdpPort),
            TestContext.Current.CancellationToken);

    private async Task<string> ReceiveAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return Encoding.UTF8.GetString((await _client.ReceiveAsync(timeout.Token)).Buffer);
    }

    /// <summary>Answers each INVITE 200 once <see cref="Release"/> completes.</summary>
    private sealed class HoldingHandler : ISipRequestHandler
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool AnswerAtOnce(SipServerRequest invite) => false;

        public async Task OnRequestAsync(SipServerRequest request)
        {
            await Release.Task;
            await request.RespondAsync(SipResponse.CreateFor(request.Request, 200).WithToTag("held"));
        }

        public void OnInviteCancelled(SipRequest invite)
        {
        }

        public void OnAckTimeout(SipRequest invite)
        {
        }
    }
}
