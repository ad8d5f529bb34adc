using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>A transaction table on a fake clock with a recording channel and transaction user.</summary>
internal sealed class TransactionTestKit : ITransactionUser, ISipResponseChannel, IDisposable
{
    public TransactionTestKit(bool reliable)
    {
        IsReliable = reliable;
        Table = new TransactionTable(new SipTimerOptions(), Time, this);
    }

    public FakeTimeProvider Time { get; } = new();

    public TransactionTable Table { get; }

    public List<(TimeSpan At, int Status)> Sent { get; } = [];

    public List<SipResponse> SentResponses { get; } = [];

    public List<(SipRequest Request, bool IsAck)> Passed { get; } = [];

    public List<SipRequest> Cancelled { get; } = [];

    public List<SipRequest> AckTimeouts { get; } = [];

    public SipTransportKind Kind => IsReliable ? SipTransportKind.Tcp : SipTransportKind.Udp;

    public bool IsReliable { get; }

    public IPEndPoint RemoteEndPoint { get; } = new(IPAddress.Loopback, 5999);

    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, 5060);

    private DateTimeOffset Start { get; } = new FakeTimeProvider().GetUtcNow();

    public void Send(SipResponse response)
    {
        Sent.Add((Time.GetUtcNow() - Start, response.StatusCode));
        SentResponses.Add(response);
    }

    public void OnRequest(SipRequest request, ISipResponseChannel channel, bool isAck) => Passed.Add((request, isAck));

    public void OnInviteCancelled(SipRequest invite) => Cancelled.Add(invite);

    public void OnAckTimeout(SipRequest invite) => AckTimeouts.Add(invite);

    /// <summary>Advances the fake clock in 50 ms steps so each send is stamped with its exact due time.</summary>
    public void AdvanceTo(TimeSpan elapsed)
    {
        var step = TimeSpan.FromMilliseconds(50);
        while (Time.GetUtcNow() - Start + step <= elapsed)
        {
            Time.Advance(step);
        }
    }

    public void Dispose() => Table.Dispose();

    public static SipRequest Request(string method, string branch, string callId = "call-1@127.0.0.1", uint cseq = 1,
        string cseqMethod = "", string toTag = "") =>
        (SipRequest)SipMessageParser.Parse(SipTestMessages.Bytes(
            $"{method} sip:rec@127.0.0.1 SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:5999;branch={branch}\r\n" +
            "From: <sip:1001@127.0.0.1>;tag=from1\r\n" +
            $"To: <sip:rec@127.0.0.1>{(toTag.Length > 0 ? ";tag=" + toTag : "")}\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} {(cseqMethod.Length > 0 ? cseqMethod : method)}\r\n" +
            "Content-Length: 0\r\n\r\n"), 65535);
}
