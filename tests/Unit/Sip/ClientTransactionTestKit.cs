using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>A client transaction table on a fake clock with a channel that records what it sends, and when.</summary>
internal sealed class ClientTransactionTestKit : ISipRequestChannel, IDisposable
{
    public ClientTransactionTestKit(bool reliable)
    {
        IsReliable = reliable;
        Table = new ClientTransactionTable(new SipTimerOptions(), Time);
    }

    public FakeTimeProvider Time { get; } = new();

    public ClientTransactionTable Table { get; }

    /// <summary>Send times of the request (first send and retransmissions), from the kit's creation.</summary>
    public List<TimeSpan> Sent { get; } = [];

    /// <summary>When false, the channel reports a transport failure.</summary>
    public bool Accepts { get; set; } = true;

    public SipTransportKind Kind => IsReliable ? SipTransportKind.Tcp : SipTransportKind.Udp;

    public bool IsReliable { get; }

    public IPEndPoint RemoteEndPoint { get; } = new(IPAddress.Loopback, 5999);

    private DateTimeOffset Start { get; } = new FakeTimeProvider().GetUtcNow();

    public TimeSpan Now => Time.GetUtcNow() - Start;

    public bool Send(SipRequest request)
    {
        if (Accepts)
        {
            Sent.Add(Now);
        }

        return Accepts;
    }

    /// <summary>Advances the fake clock in 50 ms steps so each send is stamped with its exact due time.</summary>
    public void AdvanceTo(TimeSpan elapsed)
    {
        var step = TimeSpan.FromMilliseconds(50);
        while (Now + step <= elapsed)
        {
            Time.Advance(step);
        }
    }

    public void Dispose() => Table.Dispose();

    /// <summary>A BYE whose top Via is ours, as the stack would have stamped it.</summary>
    public static SipRequest Bye(string branch = "z9hG4bKclient1") =>
        TransactionTestKit.Request("BYE", branch, callId: "client-1@127.0.0.1", cseq: 2);
}
