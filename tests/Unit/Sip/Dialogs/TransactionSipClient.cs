using System.Collections.Concurrent;
using System.Net;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>
/// The stack's real non-INVITE client transactions (<see cref="ClientTransactionTable"/>) on the test's fake clock,
/// sending into a UDP channel that records each datagram's time and never answers: what a dead CUCM looks like.
/// </summary>
internal sealed class TransactionSipClient(TimeProvider clock) : ISipClient, ISipRequestChannel, IDisposable
{
    private readonly ClientTransactionTable _table = new(new SipTimerOptions(), clock);
    private int _branch;

    public ConcurrentQueue<(DateTimeOffset At, SipRequest Request)> Datagrams { get; } = new();

    public ConcurrentQueue<SipResponse?> Outcomes { get; } = new();

    public SipTransportKind Kind => SipTransportKind.Udp;

    public bool IsReliable => false;

    public IPEndPoint RemoteEndPoint { get; } = new(IPAddress.Loopback, 5060);

    public async Task<SipResponse?> SendRequestAsync(SipRequest request, SipTarget target, CancellationToken cancellationToken = default)
    {
        var outgoing = new SipRequest(request.Method, request.RequestUri, request.Headers.Clone(), request.Body);
        outgoing.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKtest{Interlocked.Increment(ref _branch)};rport");
        var response = await _table.Start(outgoing, this);
        Outcomes.Enqueue(response);
        return response;
    }

    public bool Send(SipRequest request)
    {
        Datagrams.Enqueue((clock.GetUtcNow(), request));
        return true;
    }

    public void Dispose() => _table.Dispose();
}
