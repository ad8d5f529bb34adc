using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// One recording dialog as CUCM places it (infra/sipp/cucm_leg.xml, PROTOCOL.md §1.2, §1.5): INVITE without SDP and
/// the call's metadata in the From URI, the recorder's offer in the 200, our PCMU answer (sendonly) in the ACK, RTP
/// to the port of the offer, BYE at the end. Also the leg's RTP state, which only the <see cref="RtpPump"/> touches
/// once the leg is started. With <c>--srtp</c> the leg makes an early offer instead (RTP/SAVP, one crypto line with its
/// own key: over UDP the recorder needs Recorder__Sip__AllowSrtpOverInsecureTransport) and sends SRTP with that key.
/// </summary>
/// <remarks>
/// Threads: the call's task sends requests; the SIP receive thread delivers responses through
/// <see cref="OnMessage"/>, which completes the pending transaction's task (continuations run asynchronously).
/// </remarks>
internal sealed class CallLeg
{
    private const int RtpHeaderSize = 12;
    private readonly SipEndpoint _sip;
    private readonly CallMetadata _call;
    private readonly bool _nearEnd;
    private readonly string _fromTag;
    private readonly Lock _gate = new();
    private TaskCompletionSource<SipMessage>? _pending;
    private string _pendingMethod = "";
    private string? _ack;
    private string? _toWithTag;
    private string? _remoteTarget;

    public CallLeg(SipEndpoint sip, CallMetadata call, bool nearEnd, Socket rtpSocket, byte[] toneFrame, string? srtpSuite = null)
    {
        if (srtpSuite is not null)
        {
            SrtpSuite = srtpSuite;
            SrtpKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(SrtpSender.MasterKeyLength + SrtpSender.MasterSaltLength);
            Srtp = new SrtpSender(srtpSuite, SrtpKey);
            ProtectedPacket = new byte[RtpHeaderSize + toneFrame.Length + Srtp.Overhead];
        }

        _sip = sip;
        _call = call;
        _nearEnd = nearEnd;
        _fromTag = $"{Random.Shared.Next(100000, 999999)}~{Guid.NewGuid()}";
        CallId = $"{Guid.NewGuid():N}@127.0.0.1";
        RtpSocket = rtpSocket;
        RtpLocal = (IPEndPoint)rtpSocket.LocalEndPoint!;
        Packet = new byte[RtpHeaderSize + toneFrame.Length];
        Packet[0] = 0x80;
        Packet[1] = 0x80; // marker on the first packet, PT 0 (PCMU)
        BinaryPrimitives.WriteUInt16BigEndian(Packet.AsSpan(2), (ushort)Random.Shared.Next(0, 65536));
        BinaryPrimitives.WriteUInt32BigEndian(Packet.AsSpan(4), (uint)Random.Shared.Next());
        BinaryPrimitives.WriteUInt32BigEndian(Packet.AsSpan(8), (uint)Random.Shared.Next());
        toneFrame.CopyTo(Packet, RtpHeaderSize);
        _toneFrame = toneFrame;
    }

    private readonly byte[] _toneFrame;
    private bool _talking = true;

    /// <summary>Packets per turn of a conversation (0: the tone all the time); set before the pump starts the leg.</summary>
    public int TurnPackets { get; private set; }

    /// <summary>The near end talks first, the far end listens: its payload starts as silence.</summary>
    public void TakeTurns(int packetsPerTurn)
    {
        TurnPackets = packetsPerTurn;
        if (packetsPerTurn > 0 && !_nearEnd)
        {
            SwitchTurn();
        }
    }

    /// <summary>Talks (the tone) or listens (G.711 µ-law digital silence, 0xFF) from the next packet on.</summary>
    public void SwitchTurn()
    {
        _talking = !_talking;
        var payload = Packet.AsSpan(RtpHeaderSize, _toneFrame.Length);
        if (_talking)
        {
            _toneFrame.CopyTo(payload);
        }
        else
        {
            payload.Fill(0xFF);
        }
    }

    public string CallId { get; }

    /// <summary>The leg's SRTP protection (pump thread only), null for plain RTP.</summary>
    public SrtpSender? Srtp { get; }

    /// <summary>Where the pump protects <see cref="Packet"/> into, with <see cref="Srtp"/>.</summary>
    public byte[] ProtectedPacket { get; } = [];

    private string? SrtpSuite { get; }

    private byte[] SrtpKey { get; } = [];

    public Socket RtpSocket { get; }

    public IPEndPoint RtpLocal { get; }

    /// <summary>The RTP packet in place: the pump bumps sequence number and timestamp after each send.</summary>
    public byte[] Packet { get; }

    public SocketAddress? RtpDestination { get; private set; }

    public int PacketsToSend { get; set; }

    /// <summary>Packets the socket accepted; a failed send still advances the sequence number (the recorder sees a loss).</summary>
    public int PacketsSent { get; set; }

    public int PacketsAttempted { get; set; }

    /// <summary>Completed by the pump when the leg has sent all its packets (or the run is stopped).</summary>
    public TaskCompletionSource RtpDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public double InviteLatencyMilliseconds { get; private set; }

    public int FinalStatus { get; private set; }

    public bool EndedByRecorder { get; private set; }

    private string FromHeader(bool full)
    {
        var c = _call;
        var ident = _nearEnd ? "x-nearend" : "x-farend";
        return full
            ? $"<sip:{c.NearAddress}@{_sip.LocalEndPoint.Address};{ident};x-refci={c.RefCi};x-nearendclusterid={c.ClusterId};x-nearenddevice={c.NearDevice};x-nearendaddr={c.NearAddress};x-farendrefci={c.FarRefCi};x-farendclusterid={c.ClusterId};x-farenddevice={c.FarDevice};x-farendaddr={c.FarAddress}>;tag={_fromTag}"
            : $"<sip:{c.NearAddress}@{_sip.LocalEndPoint.Address};{ident};x-refci={c.RefCi}>;tag={_fromTag}";
    }

    private string Via(string branch) => $"SIP/2.0/UDP {_sip.LocalEndPoint};branch={branch}";

    private static string NewBranch() => "z9hG4bK" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>INVITE (no SDP) until a final response; on 200 sends the ACK with the answer. True when answered.</summary>
    public async Task<bool> InviteAsync(string profile, CancellationToken cancellationToken)
    {
        var target = _sip.Target;
        var local = _sip.LocalEndPoint;
        var branch = NewBranch();
        var offer = SrtpSuite is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"v=0\r\no=CiscoSystemsCCM-SIP {_call.Index} 1 IN IP4 {local.Address}\r\ns=SIP Call\r\nc=IN IP4 {RtpLocal.Address}\r\nt=0 0\r\nm=audio {RtpLocal.Port} RTP/SAVP 0 101\r\na=ptime:20\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=crypto:1 {SrtpSuite} inline:{Convert.ToBase64String(SrtpKey)}\r\n");
        var invite = new StringBuilder(1600)
            .Append(CultureInfo.InvariantCulture, $"INVITE sip:{profile}@{target} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: {Via(branch)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: {FromHeader(full: true)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: <sip:{profile}@{target.Address}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {CallId}\r\n")
            .Append("CSeq: 101 INVITE\r\n")
            .Append("Supported: timer,resource-priority,replaces\r\n")
            .Append("Min-SE: 1800\r\n")
            .Append("Session-Expires: 1800\r\n")
            .Append("User-Agent: Cisco-CUCM14.0\r\n")
            .Append("Allow: INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY\r\n")
            .Append("Expires: 180\r\n")
            .Append("Allow-Events: presence, kpml\r\n")
            .Append("Supported: X-cisco-srtp-fallback\r\n")
            .Append("Supported: Geolocation\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-Info: <sip:{local}>;method=\"NOTIFY;Event=telephone-event;Duration=500\"\r\n")
            .Append(CultureInfo.InvariantCulture, $"P-Asserted-Identity: <sip:{_call.NearAddress}@{local.Address}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"Remote-Party-ID: <sip:{_call.NearAddress}@{local.Address}>;party=calling;screen=yes;privacy=off\r\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: <sip:{_call.NearAddress}@{local};transport=UDP>;isFocus\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append(offer.Length == 0 ? "" : "Content-Type: application/sdp\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.UTF8.GetByteCount(offer)}\r\n\r\n{offer}")
            .ToString();

        var started = Stopwatch.GetTimestamp();
        var response = await TransactAsync("INVITE", invite, provisionalStopsRetransmit: true, TimeSpan.FromSeconds(32), cancellationToken);
        if (response is null)
        {
            return false;
        }

        InviteLatencyMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        FinalStatus = response.StatusCode;
        if (response.StatusCode >= 300)
        {
            // RFC 3261 §17.1.1.3: the ACK of a non-2xx final response is part of the INVITE transaction (same branch).
            _sip.Send($"ACK sip:{profile}@{target} SIP/2.0\r\nVia: {Via(branch)}\r\nFrom: {FromHeader(full: true)}\r\nTo: {response.To}\r\nCall-ID: {CallId}\r\nCSeq: 101 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
            return false;
        }

        if (!response.TryGetAudioAddress(out var address, out var port) || !IPAddress.TryParse(address, out var media))
        {
            FinalStatus = -1;
            return false;
        }

        if (SrtpSuite is not null && !response.Body.Contains("RTP/SAVP", StringComparison.Ordinal))
        {
            // Our SRTP would be read as plain RTP: not the measurement asked for.
            FinalStatus = -2;
            return false;
        }

        RtpDestination = new IPEndPoint(media, port).Serialize();
        _toWithTag = response.To;
        _remoteTarget = response.ContactUri() ?? $"sip:{profile}@{target}";
        var sdp = string.Create(CultureInfo.InvariantCulture,
            $"v=0\r\no=CiscoSystemsCCM-SIP {_call.Index} 1 IN IP4 {local.Address}\r\ns=SIP Call\r\nc=IN IP4 {RtpLocal.Address}\r\nb=TIAS:64000\r\nb=AS:64\r\nt=0 0\r\nm=audio {RtpLocal.Port} RTP/AVP 0 101\r\na=ptime:20\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");
        var ack = SrtpSuite is not null
            ? $"ACK {_remoteTarget} SIP/2.0\r\nVia: {Via(NewBranch())}\r\nFrom: {FromHeader(full: false)}\r\nTo: {_toWithTag}\r\nCall-ID: {CallId}\r\nCSeq: 101 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            : $"ACK {_remoteTarget} SIP/2.0\r\nVia: {Via(NewBranch())}\r\nFrom: {FromHeader(full: false)}\r\nTo: {_toWithTag}\r\nCall-ID: {CallId}\r\nCSeq: 101 ACK\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {Encoding.UTF8.GetByteCount(sdp)}\r\n\r\n{sdp}";
        lock (_gate)
        {
            _ack = ack;
        }

        _sip.Send(ack);
        return true;
    }

    /// <summary>Baseline mode (<c>--rtp-only</c>): no dialog, the stream goes straight to <paramref name="destination"/>.</summary>
    public void UseRawDestination(IPEndPoint destination)
    {
        RtpDestination = destination.Serialize();
        FinalStatus = 0;
    }

    /// <summary>BYE until its final response (bounded); false on timeout.</summary>
    public async Task<bool> ByeAsync(CancellationToken cancellationToken)
    {
        if (_remoteTarget is null || EndedByRecorder)
        {
            return EndedByRecorder;
        }

        var bye = $"BYE {_remoteTarget} SIP/2.0\r\nVia: {Via(NewBranch())}\r\nFrom: {FromHeader(full: false)}\r\nTo: {_toWithTag}\r\nCall-ID: {CallId}\r\nCSeq: 102 BYE\r\nMax-Forwards: 70\r\nReason: Q.850;cause=16\r\nContent-Length: 0\r\n\r\n";
        var response = await TransactAsync("BYE", bye, provisionalStopsRetransmit: false, TimeSpan.FromSeconds(16), cancellationToken);
        return response is { StatusCode: >= 200 and < 300 };
    }

    /// <summary>Sends and retransmits (Timer A/E: 500 ms doubling to 4 s) until a final response or the timeout.</summary>
    private async Task<SipMessage?> TransactAsync(string method, string request, bool provisionalStopsRetransmit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<SipMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending = pending;
            _pendingMethod = method;
            Provisional = false;
        }

        _sip.Register(this);
        _sip.Send(request);
        var interval = TimeSpan.FromMilliseconds(500);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var wait = TimeSpan.FromSeconds(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
            if (wait > interval)
            {
                wait = interval;
            }

            try
            {
                return await pending.Task.WaitAsync(wait, cancellationToken);
            }
            catch (TimeoutException)
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    FinalStatus = 408;
                    return null;
                }

                if (!(provisionalStopsRetransmit && Provisional))
                {
                    _sip.Send(request);
                }

                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    private bool Provisional { get; set; }

    public void OnMessage(SipMessage message)
    {
        if (message.IsRequest)
        {
            if (message.RequestMethod == "BYE")
            {
                EndedByRecorder = true;
            }

            return;
        }

        string? ackAgain = null;
        TaskCompletionSource<SipMessage>? complete = null;
        lock (_gate)
        {
            if (_pending is not null && message.CSeqMethod == _pendingMethod)
            {
                if (message.StatusCode < 200)
                {
                    Provisional = true;
                }
                else
                {
                    complete = _pending;
                    _pending = null;
                }
            }
            else if (message.CSeqMethod == "INVITE" && message.StatusCode is >= 200 and < 300)
            {
                // RFC 3261 §13.2.2.4: a retransmitted 2xx is answered with the same ACK.
                ackAgain = _ack;
            }
        }

        complete?.TrySetResult(message);
        if (ackAgain is not null)
        {
            _sip.Send(ackAgain);
        }
    }
}
