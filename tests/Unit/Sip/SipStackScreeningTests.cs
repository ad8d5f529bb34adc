using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>
/// The SIP stack shows each new INVITE to the handler on the receiving thread before it waits for a thread
/// (<see cref="ISipRequestHandler.AnswerAtOnce"/>): real stack, real loopback UDP, a handler that records what it saw.
/// </summary>
public sealed class SipStackScreeningTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ScreeningHandler _handler = new();
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
        await _stack.DisposeAsync();
        _client.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task AnInviteTheHandlerAnswersAtOnceGetsThatAnswerAndIsNeverQueued()
    {
        var response = await SendAsync(Invite("z9hG4bKrefuse1", "refuse-1@127.0.0.1"));

        Assert.StartsWith("SIP/2.0 503 ", response, StringComparison.Ordinal);
        Assert.Equal(["refuse-1@127.0.0.1"], _handler.Screened);
        Assert.Empty(_handler.Handled);
    }

    [Fact]
    public async Task AnInviteLetThroughReachesTheHandlerMarkedAsScreened()
    {
        var response = await SendAsync(Invite("z9hG4bKtake1", "take-1@127.0.0.1"));

        Assert.StartsWith("SIP/2.0 200 ", response, StringComparison.Ordinal);
        Assert.Equal(["take-1@127.0.0.1"], _handler.Screened);
        Assert.Equal([("INVITE", true)], _handler.Handled.Select(h => (h.Method, h.Screened)));
    }

    [Fact]
    public async Task OnlyInvitesThatStartADialogAreScreened()
    {
        await SendAsync(SipTestMessages.Options("z9hG4bKopt1", sentBy: SentBy));
        await SendAsync(Invite("z9hG4bKreinv1", "in-dialog-1@127.0.0.1", toTag: ";tag=ours"));

        Assert.Empty(_handler.Screened);
        Assert.Equal(["OPTIONS", "INVITE"], _handler.Handled.Select(h => h.Method));
    }

    [Fact]
    public async Task AScreenThatThrowsLetsTheInviteThroughToTheHandler()
    {
        var response = await SendAsync(Invite("z9hG4bKthrow1", "throw-1@127.0.0.1"));

        Assert.StartsWith("SIP/2.0 200 ", response, StringComparison.Ordinal);
        Assert.Equal([("INVITE", false)], _handler.Handled.Select(h => (h.Method, h.Screened)));
        Assert.Equal(1, _stack.Counters.HandlerErrors);
    }

    private string SentBy => $"127.0.0.1:{((IPEndPoint)_client.Client.LocalEndPoint!).Port}";

    private string Invite(string branch, string callId, string toTag = "") =>
        $"INVITE sip:7878@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP {SentBy};branch={branch}\r\n" +
        "From: <sip:1001@127.0.0.1;x-nearend;x-refci=1>;tag=f1\r\n" +
        $"To: <sip:7878@127.0.0.1>{toTag}\r\n" +
        $"Call-ID: {callId}\r\n" +
        "CSeq: 101 INVITE\r\n" +
        "Contact: <sip:1001@127.0.0.1>\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    private async Task<string> SendAsync(string request)
    {
        await _client.SendAsync(Encoding.UTF8.GetBytes(request), new IPEndPoint(IPAddress.Loopback, _stack.UdpPort),
            TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            // The final response; the stack's 100 Trying to an INVITE is passed over.
            var received = Encoding.UTF8.GetString((await _client.ReceiveAsync(timeout.Token)).Buffer);
            if (!received.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return received;
            }
        }
    }

    /// <summary>Refuses call ids starting "refuse", throws for "throw", lets the rest through; answers 200 to whatever it handles.</summary>
    private sealed class ScreeningHandler : ISipRequestHandler
    {
        private readonly ConcurrentQueue<string> _screened = new();
        private readonly ConcurrentQueue<(string Method, bool Screened)> _handled = new();

        public IReadOnlyList<string> Screened => [.. _screened];

        public IReadOnlyList<(string Method, bool Screened)> Handled => [.. _handled];

        public bool AnswerAtOnce(SipServerRequest invite)
        {
            var callId = invite.Request.CallId;
            if (callId.StartsWith("throw", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("screen failed");
            }

            _screened.Enqueue(callId);
            if (callId.StartsWith("refuse", StringComparison.Ordinal))
            {
                invite.RespondAsync(SipResponse.CreateFor(invite.Request, 503)).AsTask().GetAwaiter().GetResult();
                return true;
            }

            invite.Screened = true;
            return false;
        }

        public async Task OnRequestAsync(SipServerRequest request)
        {
            _handled.Enqueue((request.Request.Method, request.Screened));
            await request.RespondAsync(SipResponse.CreateFor(request.Request, 200));
        }

        public void OnInviteCancelled(SipRequest invite)
        {
        }

        public void OnAckTimeout(SipRequest invite)
        {
        }
    }
}
