using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Tests.Unit.Media;

namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>
/// A <see cref="DialogLayer"/> on a real <see cref="TransactionTable"/> under a <see cref="FakeTimeProvider"/>, fed by
/// fake SIP channels (one per source end point) that record what was sent, with a call handling that records what it
/// was told and a SIP client that records our requests and answers them as a test says.
/// </summary>
internal sealed class DialogTestKit : ITransactionUser, IDisposable
{
    public static readonly IPEndPoint Cucm = new(IPAddress.Parse("127.0.0.1"), 5060);

    private readonly TestMeterFactory _meters = new();
    private readonly List<Task> _handling = [];

    /// <param name="reliable">TCP rather than UDP.</param>
    /// <param name="transport">The transport the fake channels say requests came over (TLS for secure-trunk tests); null: TCP or UDP per <paramref name="reliable"/>.</param>
    public DialogTestKit(bool reliable = false, SipTransportKind? transport = null)
    {
        Reliable = reliable || transport is SipTransportKind.Tcp or SipTransportKind.Tls;
        Transport = transport ?? (reliable ? SipTransportKind.Tcp : SipTransportKind.Udp);
        Table = new TransactionTable(new SipTimerOptions(), Time, this);
        Metrics = new DialogMetrics(_meters);
        Layer = new DialogLayer(User, a => IPAddress.IsLoopback(a), IPAddress.Parse("127.0.0.9"), Time, Metrics,
            NullLogger<DialogLayer>.Instance);
        User.Layer = Layer;
        Layer.Attach(Client);
        Client.Clock = Time;
    }

    public bool Reliable { get; }

    public SipTransportKind Transport { get; }

    public FakeTimeProvider Time { get; } = new();

    public TransactionTable Table { get; }

    public DialogMetrics Metrics { get; }

    public DialogLayer Layer { get; }

    public FakeDialogUser User { get; } = new();

    public FakeSipClient Client { get; } = new();

    /// <summary>Every response sent, with the end point it went to.</summary>
    public ConcurrentQueue<(IPEndPoint To, SipResponse Response)> Sent { get; } = new();

    public IEnumerable<int> StatusesSentFor(string method) =>
        Sent.Where(s => s.Response.CSeq.Method == method).Select(s => s.Response.StatusCode);

    /// <summary>Feeds a request as if it arrived from <paramref name="from"/>, and waits for its handling to finish.</summary>
    public async Task ReceiveAsync(string text, IPEndPoint? from = null)
    {
        Feed(text, from);
        await DrainAsync();
    }

    /// <summary>Feeds a request without waiting for its handling.</summary>
    public void Feed(string text, IPEndPoint? from = null)
    {
        var request = (SipRequest)SipMessageParser.Parse(SipTestMessages.Bytes(text), 65535);
        Table.OnRequest(request, new Channel(this, from ?? Cucm));
    }

    /// <summary>Waits for every request handed to the layer so far.</summary>
    public async Task DrainAsync()
    {
        Task[] pending;
        lock (_handling)
        {
            pending = [.. _handling];
        }

        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Advances the fake clock in steps of 250 ms (Timer E's resolution), letting timer callbacks run between steps.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        var step = TimeSpan.FromMilliseconds(250);
        for (var done = TimeSpan.Zero; done < by; done += step)
        {
            Time.Advance(by - done < step ? by - done : step);
            await Task.Yield();
            await DrainAsync();
        }
    }

    void ITransactionUser.OnRequest(SipRequest request, ISipResponseChannel channel, bool isAck)
    {
        var serverRequest = new SipServerRequest(request, isAck, channel, Table, Time.GetTimestamp());
        var task = Task.Run(() => Layer.OnRequestAsync(serverRequest));
        lock (_handling)
        {
            _handling.Add(task);
        }
    }

    void ITransactionUser.OnInviteCancelled(SipRequest invite) => Layer.OnInviteCancelled(invite);

    void ITransactionUser.OnAckTimeout(SipRequest invite) => Layer.OnAckTimeout(invite);

    public void Dispose()
    {
        Table.Dispose();
        _meters.Dispose();
    }

    // Requests as CUCM writes them (PROTOCOL.md §1.5), reduced to what the dialog layer reads.
    public static string Invite(string callId = "leg-1@cucm", string fromTag = "cucm1", uint cseq = 101,
        string branch = "z9hG4bKinv1", string extraHeaders = "", int viaPort = 5060) =>
        $"INVITE sip:7878@127.0.0.9:5060 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{viaPort};branch={branch}\r\n" +
        $"From: <sip:1001@127.0.0.1;x-nearend;x-refci=77>;tag={fromTag}\r\n" +
        "To: <sip:7878@127.0.0.9>\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} INVITE\r\n" +
        "Contact: <sip:1001@127.0.0.1:5060;transport=udp>\r\n" +
        extraHeaders +
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    public static string InDialog(string method, string toTag, string callId = "leg-1@cucm", string fromTag = "cucm1",
        uint cseq = 102, string branch = "z9hG4bKin2", string extraHeaders = "", string cseqMethod = "", int viaPort = 5060) =>
        $"{method} sip:7878@127.0.0.9:5060 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{viaPort};branch={branch}\r\n" +
        $"From: <sip:1001@127.0.0.1;x-nearend;x-refci=77>;tag={fromTag}\r\n" +
        $"To: <sip:7878@127.0.0.9>;tag={toTag}\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} {(cseqMethod.Length > 0 ? cseqMethod : method)}\r\n" +
        extraHeaders +
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    /// <summary>A confirmed dialog: INVITE answered 200 by the user (and ACKed unless told not to). Returns our tag.</summary>
    public async Task<string> EstablishAsync(string extraHeaders = "", bool ack = true, string callId = "leg-1@cucm")
    {
        await ReceiveAsync(Invite(callId: callId, extraHeaders: extraHeaders, branch: "z9hG4bK" + callId.GetHashCode(StringComparison.Ordinal)));
        var ok = Sent.Last(s => s.Response.CSeq.Method == "INVITE").Response;
        Assert.Equal(200, ok.StatusCode);
        var tag = ok.To.Tag!;
        if (ack)
        {
            await ReceiveAsync(InDialog("ACK", tag, callId: callId, cseq: 101, branch: "z9hG4bKack" + callId.GetHashCode(StringComparison.Ordinal)));
        }

        return tag;
    }

    private sealed class Channel(DialogTestKit kit, IPEndPoint remote) : ISipResponseChannel
    {
        public SipTransportKind Kind => kit.Transport;

        public bool IsReliable => kit.Reliable;

        public IPEndPoint RemoteEndPoint { get; } = remote;

        public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Parse("127.0.0.9"), 5060);

        public void Send(SipResponse response) => kit.Sent.Enqueue((RemoteEndPoint, response));
    }
}
