using System.Globalization;
using System.Net;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// One dialog in which we are the UAS (RFC 3261 §12.1.1): its id, state, the peer and transport it belongs to, the
/// remote target and route set for the requests we send in it, and both sequence numbers.
/// </summary>
/// <remarks>
/// Thread-safe: requests of one dialog arrive on different threads (a BYE can overtake the ACK's handling), our BYE is
/// sent from timers; every read-modify-write of the state and the sequence numbers holds <see cref="_lock"/>.
/// </remarks>
internal sealed class Dialog
{
    private readonly Lock _lock = new();
    private uint _remoteCSeq;
    private uint _localCSeq;
    private DialogState _state = DialogState.Early;
    private uint _lastInviteCSeq;
    private ITimer? _timer;

    private Dialog(DialogId id, SipRequest invite, IPEndPoint peer, SipTransportKind transport)
    {
        Id = id;
        Peer = peer;
        Transport = transport;
        InviteCSeq = invite.CSeq.Number;
        _remoteCSeq = InviteCSeq;
        _lastInviteCSeq = InviteCSeq;
        InviteBranch = invite.TopVia.Branch;

        // §12.1.1: remote target = the Contact of the request; route set = its Record-Route values, in order.
        RemoteTarget = invite.Headers.GetFirst(SipHeaderNames.Contact) is { } contact
            && SipUri.TryParse(ContactUri(contact), out var target)
            ? target
            : invite.From.Uri;
        RouteSet = [.. invite.Headers.GetAll("Record-Route").SelectMany(NameAddressList.Split)];

        // Our From in requests we send is the INVITE's To with our tag, our To is its From (§12.2.1.1).
        LocalUri = invite.To.WithTag(id.LocalTag).ToString();
        RemoteUri = invite.Headers.GetFirst(SipHeaderNames.From)!;
    }

    public DialogId Id { get; }

    public string CallId => Id.CallId;

    /// <summary>The address (and for UDP the port) the INVITE came from: where the dialog's requests must come from.</summary>
    public IPEndPoint Peer { get; }

    public SipTransportKind Transport { get; }

    /// <summary>The CSeq number of the INVITE that made the dialog; its ACK carries the same (§13.2.2.4).</summary>
    public uint InviteCSeq { get; }

    /// <summary>The CSeq number of the last INVITE or re-INVITE accepted in the dialog: its ACK must carry it.</summary>
    public uint LastInviteCSeq
    {
        get
        {
            lock (_lock)
            {
                return _lastInviteCSeq;
            }
        }
    }

    /// <summary>A re-INVITE passed the checks: its ACK is the one expected from now on.</summary>
    public void NoteReInvite(uint cseq)
    {
        lock (_lock)
        {
            _lastInviteCSeq = cseq;
        }
    }

    /// <summary>The top Via branch of that INVITE, to tell a merged request (§8.2.2.2) from a retransmission.</summary>
    public string? InviteBranch { get; }

    public SipUri RemoteTarget { get; private set; }

    /// <summary>Record-Route values of the INVITE, in order; copied into our 2xx and used as Route in our requests.</summary>
    public IReadOnlyList<string> RouteSet { get; }

    public string LocalUri { get; }

    public string RemoteUri { get; }

    public DialogState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The session interval in force (RFC 4028), or null when the dialog has no session timer.</summary>
    public SessionTimerTerms? SessionTimer { get; set; }

    /// <summary>
    /// Replaces the dialog's session-timer timer (RFC 4028), disposing the one it had; a terminated dialog keeps none.
    /// </summary>
    public void ReplaceTimer(ITimer? timer)
    {
        ITimer? previous;
        lock (_lock)
        {
            previous = _timer;
            _timer = _state == DialogState.Terminated ? null : timer;
        }

        previous?.Dispose();
        if (timer is not null && !ReferenceEquals(_timer, timer))
        {
            timer.Dispose();
        }
    }

    /// <summary>Why the dialog ended, for the recording (<c>bye</c>, <c>media-timeout</c>, <c>session-expired</c>, ...).</summary>
    public string? EndReason { get; private set; }

    /// <summary>
    /// The peer's BYE that ended the dialog, null otherwise: its body can matter above the dialog layer (a SIPREC SRC's
    /// final metadata: CUBE sends the end and disassociate times in it).
    /// </summary>
    public SipRequest? EndingBye { get; set; }

    public static Dialog ForInvite(SipRequest invite, string localTag, IPEndPoint peer, SipTransportKind transport)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentException.ThrowIfNullOrEmpty(localTag);
        return new Dialog(new DialogId(invite.CallId, localTag, invite.From.Tag), invite, peer, transport);
    }

    /// <summary>Our 2xx went out: the dialog is confirmed (false when it had already ended, e.g. by CANCEL).</summary>
    public bool Confirm()
    {
        lock (_lock)
        {
            if (_state != DialogState.Early)
            {
                return false;
            }

            _state = DialogState.Confirmed;
            return true;
        }
    }

    /// <summary>Ends the dialog; true only for the call that ended it (so one BYE is sent, one reason kept).</summary>
    public bool Terminate(string reason)
    {
        lock (_lock)
        {
            if (_state == DialogState.Terminated)
            {
                return false;
            }

            _state = DialogState.Terminated;
            EndReason = reason;
            _timer?.Dispose();
            _timer = null;
            return true;
        }
    }

    /// <summary>
    /// RFC 3261 §12.2.2: the remote sequence number must not go backwards. True (and the number is taken) when
    /// <paramref name="cseq"/> is not lower than the last one.
    /// </summary>
    public bool TryAdvanceRemoteCSeq(uint cseq)
    {
        lock (_lock)
        {
            if (cseq < _remoteCSeq)
            {
                return false;
            }

            _remoteCSeq = cseq;
            return true;
        }
    }

    /// <summary>A target refresh (re-INVITE or UPDATE with a Contact, §12.2.2) replaces the remote target.</summary>
    public void RefreshTarget(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.GetFirst(SipHeaderNames.Contact) is { } contact
            && SipUri.TryParse(ContactUri(contact), out var uri))
        {
            lock (_lock)
            {
                RemoteTarget = uri;
            }
        }
    }

    /// <summary>
    /// A request we send in the dialog (§12.2.1.1): Request-URI = remote target, Route = route set (loose routing),
    /// From = our URI and tag, To = the peer's, the next local CSeq.
    /// </summary>
    public SipRequest CreateRequest(string method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        uint cseq;
        SipUri target;
        lock (_lock)
        {
            // §12.1.1: the UAS's local sequence number starts empty; any first value will do.
            cseq = ++_localCSeq;
            target = RemoteTarget;
        }

        var request = new SipRequest(method, target);
        foreach (var route in RouteSet)
        {
            request.Headers.Add("Route", route);
        }

        request.Headers.Add(SipHeaderNames.From, LocalUri);
        request.Headers.Add(SipHeaderNames.To, RemoteUri);
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        request.Headers.Add(SipHeaderNames.CSeq, string.Create(CultureInfo.InvariantCulture, $"{cseq} {method}"));
        return request;
    }

    /// <summary>
    /// Where our requests go (RFC 3263 reduced to what a CUCM trunk uses: IP literals): the first route if there is a
    /// route set, else the remote target; its port or 5060; its <c>transport</c> parameter or the dialog's transport.
    /// A host name falls back to the peer's address: CUCM names itself by address in Contact, and we never resolve
    /// names on the call path. Over TCP the connection the peer opened is reused first.
    /// </summary>
    public SipTarget NextHop()
    {
        SipUri uri;
        lock (_lock)
        {
            uri = RouteSet.Count > 0 && SipUri.TryParse(ContactUri(RouteSet[0]), out var route) ? route : RemoteTarget;
        }

        var transport = TransportOf(uri, Transport);
        var address = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : Peer.Address;

        // RFC 3261 §19.1.2: the default port is 5060 for sip: over UDP/TCP and 5061 for TLS (sips:, transport=tls).
        var endPoint = new IPEndPoint(address, uri.Port ?? (transport == SipTransportKind.Tls ? 5061 : 5060));

        // The peer's own connection first, when the request goes over the transport the dialog came in on (CUCM sends
        // in-dialog requests on the connection it opened and expects ours on it, SECURE_MEDIA.md §1).
        return new SipTarget(transport, endPoint, transport != SipTransportKind.Udp && transport == Transport ? Peer : null);
    }

    /// <summary>
    /// The transport a URI asks for: RFC 3261 §19.1.1 / §26.2.2, a sips: URI is reached over TLS only; otherwise its
    /// transport parameter (udp, tcp, tls, case-insensitive, §19.1.1), else the transport the dialog came in on.
    /// </summary>
    internal static SipTransportKind TransportOf(SipUri uri, SipTransportKind dialogTransport)
    {
        if (uri.Scheme == "sips")
        {
            return SipTransportKind.Tls;
        }

        return uri.GetParameter("transport") switch
        {
            { } name when name.Equals("tls", StringComparison.OrdinalIgnoreCase) => SipTransportKind.Tls,
            { } name when name.Equals("tcp", StringComparison.OrdinalIgnoreCase) => SipTransportKind.Tcp,
            { } name when name.Equals("udp", StringComparison.OrdinalIgnoreCase) => SipTransportKind.Udp,
            _ => dialogTransport,
        };
    }

    /// <summary>The URI of the first name-addr in a Contact or Route line, or null when it does not parse.</summary>
    private static string? ContactUri(string line)
    {
        try
        {
            return NameAddressList.Split(line) is [var first, ..] ? NameAddress.Parse(first).Uri.ToString() : null;
        }
        catch (SipParseException)
        {
            return null;
        }
    }
}
