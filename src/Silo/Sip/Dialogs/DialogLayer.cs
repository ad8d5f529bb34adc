using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// The dialog layer (RFC 3261 §12) between the SIP stack's transactions and the recorder's call handling: it makes a
/// dialog for each new INVITE, matches every later request to its dialog by the whole id and source before anything
/// changes, answers what fails (481, 500, 482, 420, 403, 422), runs session timers (RFC 4028) and sends our BYE.
/// </summary>
/// <remarks>
/// We are always the UAS: CUCM (or a SIPREC client) sends the INVITE. One dialog per Call-ID, since a UAS sees no forks.
/// A request that fails a check changes nothing: it is answered (an ACK: dropped), counted and logged.
/// </remarks>
internal sealed class DialogLayer : ISipRequestHandler
{
    private readonly ConcurrentDictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _byes = new();
    private readonly IDialogUser _user;
    private readonly Func<IPAddress, bool> _isTrusted;
    private readonly IPAddress _advertisedAddress;
    private readonly TimeProvider _timeProvider;
    private readonly DialogMetrics _metrics;
    private readonly ILogger _logger;
    private ISipClient? _client;

    public DialogLayer(IDialogUser user, Func<IPAddress, bool> isTrusted, IPAddress advertisedAddress,
        TimeProvider timeProvider, DialogMetrics metrics, ILogger<DialogLayer> logger)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(isTrusted);
        ArgumentNullException.ThrowIfNull(advertisedAddress);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _user = user;
        _isTrusted = isTrusted;
        _advertisedAddress = advertisedAddress;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Dialogs not yet terminated.</summary>
    public int Count => _dialogs.Count;

    public DialogMetrics Metrics => _metrics;

    /// <summary>The stack that sends our requests; set once the stack exists (it needs this layer first).</summary>
    public void Attach(ISipClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    public Dialog? Find(string callId) => _dialogs.GetValueOrDefault(callId);

    public bool AnswerAtOnce(SipServerRequest invite) => _user.AnswerAtOnce(invite);

    public async Task OnRequestAsync(SipServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sip = request.Request;
        if (request.IsAck)
        {
            await OnAckAsync(request);
            return;
        }

        if (sip.To.Tag is null)
        {
            switch (sip.Method)
            {
                case "INVITE":
                    await OnNewInviteAsync(request);
                    return;
                case "BYE":
                case "UPDATE":
                    // §12.2.2 / §15.1.2: a request that only exists inside a dialog, sent outside one.
                    await RefuseAsync(request, new InDialogVerdict(481, "no-dialog"));
                    return;
                default:
                    await _user.OnOtherRequestAsync(request);
                    return;
            }
        }

        var dialog = _dialogs.GetValueOrDefault(sip.CallId);
        if (sip.Method == "BYE" && dialog is { State: DialogState.Terminated } ending && ending.Id.Matches(sip.From.Tag, sip.To.Tag)
            && _isTrusted(request.RemoteEndPoint.Address))
        {
            // §15.1.2: the peer's BYE crossed ours (ours is still in its transaction): the session is over on both
            // sides, so it gets its 200 rather than a 481 that would look like a lost dialog.
            await request.RespondAsync(SipResponse.CreateFor(sip, 200));
            return;
        }

        var verdict = InDialogRules.CheckRequest(dialog, sip, _isTrusted(request.RemoteEndPoint.Address));
        if (!verdict.Accepted)
        {
            await RefuseAsync(request, verdict);
            return;
        }

        switch (sip.Method)
        {
            case "BYE":
                await OnByeAsync(request, dialog!);
                break;
            case "INVITE":
            case "UPDATE":
                await OnRefreshAsync(request, dialog!);
                break;
            default:
                await _user.OnOtherRequestAsync(request);
                break;
        }
    }

    public void OnInviteCancelled(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);

        // The stack sent 200 (CANCEL) and 487 (INVITE): the dialog never gets confirmed (RFC 3261 §9.2).
        if (_dialogs.GetValueOrDefault(invite.CallId) is { } dialog && dialog.Id.RemoteTag == invite.From.Tag)
        {
            _ = EndAsync(dialog, "cancelled", sendBye: false);
        }
    }

    public void OnAckTimeout(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);

        // RFC 3261 §13.3.1.4: a 2xx never acknowledged within 64·T1 confirms the dialog, but the session SHOULD be
        // ended with a BYE.
        if (_dialogs.GetValueOrDefault(invite.CallId) is { } dialog && dialog.LastInviteCSeq == invite.CSeq.Number)
        {
            _ = EndAsync(dialog, "no-ack", sendBye: true);
        }
    }

    /// <summary>
    /// Answers a new INVITE 200 and confirms its dialog: To tag, Record-Route copied (§12.1.1), Contact, and the
    /// session timer's Session-Expires/Require (RFC 4028 §9). False when the 200 could not be sent because the INVITE
    /// was cancelled (or otherwise answered) meanwhile: the caller then undoes what it set up.
    /// </summary>
    public async Task<bool> AcceptAsync(SipServerRequest invite, Dialog dialog, Action<SipResponse>? decorate = null)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(dialog);
        if (!dialog.Confirm())
        {
            // Ended while early: by a CANCEL (its 487 is out; this one is then not sent) or by a BYE for the pending
            // INVITE, which RFC 3261 §15.1.2 answers with 487 to the INVITE.
            var terminated = SipResponse.CreateFor(invite.Request, 487);
            terminated.Headers.Set(SipHeaderNames.To, terminated.To.WithTag(dialog.Id.LocalTag).ToString());
            await invite.TryRespondAsync(terminated);
            return false;
        }

        var response = Build2xx(invite, dialog, decorate);
        foreach (var route in invite.Request.Headers.GetAll("Record-Route"))
        {
            response.Headers.Add("Record-Route", route);
        }

        if (!await invite.TryRespondAsync(response))
        {
            // CANCEL won the race (its 487 is final): no 200 can follow, so the dialog ends here.
            await EndAsync(dialog, "cancelled", sendBye: false);
            return false;
        }

        StartSessionTimer(dialog);
        return true;
    }

    /// <summary>The 2xx to a re-INVITE or UPDATE of <paramref name="dialog"/>, with Contact and the session timer.</summary>
    public async Task RespondInDialogAsync(SipServerRequest request, Dialog dialog, Action<SipResponse>? decorate = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dialog);
        await request.RespondAsync(Build2xx(request, dialog, decorate));

        // RFC 4028 §10: a 2xx to a refresh request starts a new session interval.
        StartSessionTimer(dialog);
    }

    /// <summary>
    /// Ends <paramref name="dialog"/> from our side (RFC 3261 §15.1.1): the call handling is told, and a BYE with a
    /// Reason header (RFC 3326) goes to the remote target through the route set. Completes when the BYE is answered or
    /// its transaction timed out; false when the dialog had already ended.
    /// </summary>
    public Task<bool> HangUpAsync(Dialog dialog, string reason)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return EndAsync(dialog, reason, sendBye: true);
    }

    /// <summary>Waits (bounded) for the BYEs in flight, so a stopping node does not close SIP under them.</summary>
    public async Task WaitForByesAsync(TimeSpan limit)
    {
        var pending = _byes.Keys.ToArray();
        if (pending.Length > 0)
        {
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(limit, _timeProvider));
        }
    }

    private async Task OnNewInviteAsync(SipServerRequest request)
    {
        var sip = request.Request;
        var verdict = InDialogRules.CheckNewInvite(_dialogs.GetValueOrDefault(sip.CallId), sip);
        if (!verdict.Accepted)
        {
            await RefuseAsync(request, verdict);
            return;
        }

        var timer = SessionTimerNegotiation.Negotiate(sip);
        if (timer.IntervalTooSmall)
        {
            await RefuseAsync(request, new InDialogVerdict(422, "session-interval-too-small"));
            return;
        }

        var dialog = Dialog.ForInvite(sip, DialogTags.New(), request.RemoteEndPoint, request.Transport);
        dialog.SessionTimer = timer.Terms;
        // A terminated dialog of this Call-ID still waiting for its BYE's answer gives way to the new one.
        var added = _dialogs.TryAdd(sip.CallId, dialog)
            || (_dialogs.GetValueOrDefault(sip.CallId) is { State: DialogState.Terminated } old && _dialogs.TryUpdate(sip.CallId, dialog, old));
        if (!added)
        {
            // A second INVITE for the Call-ID overtook this one between the check and here.
            await RefuseAsync(request, new InDialogVerdict(482, "merged-request"));
            return;
        }

        try
        {
            await _user.OnInviteAsync(request, dialog);
        }
        finally
        {
            if (dialog.State == DialogState.Early && dialog.Terminate("refused"))
            {
                _dialogs.TryRemove(new KeyValuePair<string, Dialog>(sip.CallId, dialog));
            }
        }
    }

    private async Task OnAckAsync(SipServerRequest request)
    {
        var sip = request.Request;
        var dialog = _dialogs.GetValueOrDefault(sip.CallId);
        var verdict = InDialogRules.CheckAck(dialog, sip, request.RemoteEndPoint, request.Transport);
        if (!verdict.Accepted)
        {
            _metrics.Refused(verdict.Reason);
            DialogLog.AckDropped(_logger, request.RemoteEndPoint, verdict.Reason, sip.CallId);
            return;
        }

        await _user.OnAckAsync(request, dialog!);
    }

    private async Task OnByeAsync(SipServerRequest request, Dialog dialog)
    {
        // §15.1.2: the UAS answers 200 and ends the session; a BYE that loses a race with our own BYE still gets 200.
        await request.RespondAsync(SipResponse.CreateFor(request.Request, 200));
        dialog.EndingBye = request.Request;
        await EndAsync(dialog, "bye", sendBye: false);
    }

    private async Task OnRefreshAsync(SipServerRequest request, Dialog dialog)
    {
        var sip = request.Request;
        var timer = SessionTimerNegotiation.Negotiate(sip);
        if (timer.IntervalTooSmall)
        {
            await RefuseAsync(request, new InDialogVerdict(422, "session-interval-too-small"));
            return;
        }

        // §12.2.2: a target refresh request replaces the remote target; RFC 4028: each refresh negotiates anew.
        dialog.RefreshTarget(sip);
        dialog.SessionTimer = timer.Terms;
        if (sip.Method == "INVITE")
        {
            dialog.NoteReInvite(sip.CSeq.Number);
        }

        await _user.OnRefreshAsync(request, dialog);
    }

    private async Task<bool> EndAsync(Dialog dialog, string reason, bool sendBye)
    {
        var wasConfirmed = dialog.State == DialogState.Confirmed;
        if (!dialog.Terminate(reason))
        {
            return false;
        }

        // A dialog we send BYE on stays in the table, terminated, until that BYE's transaction ends, so that a BYE of the
        // peer's crossing ours is recognised and answered 200 (§15.1.2) instead of 481.
        var bye = sendBye && wasConfirmed ? SendByeAsync(dialog, reason) : Task.CompletedTask;
        if (bye.IsCompleted)
        {
            _dialogs.TryRemove(new KeyValuePair<string, Dialog>(dialog.CallId, dialog));
        }
        else
        {
            _byes.TryAdd(bye, 0);
            _ = bye.ContinueWith(
                (t, s) =>
                {
                    _dialogs.TryRemove(new KeyValuePair<string, Dialog>(dialog.CallId, dialog));
                    ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _);
                },
                _byes, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        try
        {
            await _user.OnDialogEndedAsync(dialog, reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DialogLog.UserFailed(_logger, ex, dialog.CallId, reason);
        }

        await bye;
        return true;
    }

    private async Task SendByeAsync(Dialog dialog, string reason)
    {
        var bye = dialog.CreateRequest("BYE");
        bye.Headers.Add("Reason", ReasonHeader(reason));
        var target = dialog.NextHop();
        _metrics.ByeSent(reason);
        if (_client is not { } client)
        {
            DialogLog.ByeUnanswered(_logger, dialog.CallId, reason, target.EndPoint.ToString());
            return;
        }

        try
        {
            var response = await client.SendRequestAsync(bye, target);
            if (response is null)
            {
                DialogLog.ByeUnanswered(_logger, dialog.CallId, reason, target.EndPoint.ToString());
            }
            else
            {
                DialogLog.ByeAnswered(_logger, dialog.CallId, reason, target.EndPoint.ToString(), response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DialogLog.UserFailed(_logger, ex, dialog.CallId, "BYE");
        }
    }

    /// <summary>
    /// RFC 3326 Reason header for our BYE. Q.850 causes where CUCM has one (it logs them in its CDRs): 102 "recovery on
    /// timer expiry" for media and session timeouts, 41 "temporary failure" for a node that is stopping.
    /// </summary>
    public static string ReasonHeader(string reason) => reason switch
    {
        "media-timeout" => "Q.850;cause=102;text=\"RTP inactivity\"",
        "session-expired" => "Q.850;cause=102;text=\"Session expired\"",
        "session-refresh-failed" => "Q.850;cause=102;text=\"Session refresh failed\"",
        "no-ack" => "SIP;cause=408;text=\"ACK not received\"",
        "node-stopped" => "Q.850;cause=41;text=\"Recorder node stopping\"",
        "no-codec" => "SIP;cause=488;text=\"No usable codec in the answer\"",
        _ => "Q.850;cause=16;text=\"" + reason + "\"",
    };

    /// <summary>
    /// Our Contact in a 2xx (RFC 3261 §12.1.1): the address and port the request reached, with the transport it came
    /// over, so the peer's in-dialog requests come back on it. §8.1.1.8 / §12.1.1: when the Request-URI was a sips: URI
    /// the Contact MUST be one too; over TLS with a sip: Request-URI, <c>transport=tls</c> (what CUCM writes itself).
    /// </summary>
    internal string ContactFor(SipServerRequest request)
    {
        var secureUri = request.Request.RequestUri.Scheme == "sips";
        var transport = request.Transport switch
        {
            _ when secureUri => "",
            SipTransportKind.Tls => ";transport=tls",
            SipTransportKind.Tcp => ";transport=tcp",
            _ => "",
        };
        var scheme = secureUri ? "sips" : "sip";
        var user = request.Request.RequestUri.User is { Length: > 0 } u ? u + "@" : "";
        var host = _advertisedAddress.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{_advertisedAddress}]" : _advertisedAddress.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"<{scheme}:{user}{host}:{request.LocalEndPoint.Port}{transport}>");
    }

    private SipResponse Build2xx(SipServerRequest request, Dialog dialog, Action<SipResponse>? decorate)
    {
        var response = SipResponse.CreateFor(request.Request, 200);
        response.Headers.Set(SipHeaderNames.To, response.To.WithTag(dialog.Id.LocalTag).ToString());
        response.Headers.Set("Server", "OrleansRecorder");
        response.Headers.Set(SipHeaderNames.Contact, ContactFor(request));
        response.Headers.Set("Supported", "timer");
        if (dialog.SessionTimer is { } terms)
        {
            response.Headers.Set(SessionTimerNegotiation.SessionExpiresHeader, terms.HeaderValue);
            if (terms.Refresher == SessionRefresher.Uac)
            {
                // RFC 4028 §9: a 2xx that leaves the refreshing to the UAC requires it to support timers.
                response.Headers.Set("Require", "timer");
            }
        }

        decorate?.Invoke(response);
        return response;
    }

    private void StartSessionTimer(Dialog dialog)
    {
        if (dialog.SessionTimer is not { } terms)
        {
            dialog.ReplaceTimer(null);
            return;
        }

        var due = terms.Refresher == SessionRefresher.Uac ? terms.ExpiryCheck : terms.RefreshAt;
        dialog.ReplaceTimer(_timeProvider.CreateTimer(
            static state => ((SessionTimerFired)state!).Fire(), new SessionTimerFired(this, dialog, terms), due, Timeout.InfiniteTimeSpan));
    }

    private async Task OnSessionTimerAsync(Dialog dialog, SessionTimerTerms terms)
    {
        if (dialog.State != DialogState.Confirmed || !ReferenceEquals(dialog.SessionTimer, terms))
        {
            return; // Refreshed or ended meanwhile.
        }

        if (terms.Refresher == SessionRefresher.Uac)
        {
            // RFC 4028 §10: no refresh came; the session is over and we say so with a BYE.
            DialogLog.SessionExpired(_logger, dialog.CallId, terms.Interval.TotalSeconds);
            await EndAsync(dialog, "session-expired", sendBye: true);
            return;
        }

        // We refresh (the UAC asked us to): an UPDATE without a body keeps the session and its media as they are.
        var update = dialog.CreateRequest("UPDATE");
        update.Headers.Add(SessionTimerNegotiation.SessionExpiresHeader, terms.HeaderValue);
        update.Headers.Add("Supported", "timer");
        var response = _client is { } client ? await client.SendRequestAsync(update, dialog.NextHop()) : null;
        if (response is { IsSuccess: true })
        {
            StartSessionTimer(dialog);
            return;
        }

        // RFC 4028 §10: a refresh answered 408 or 481 (or not at all) means the session is gone.
        DialogLog.RefreshFailed(_logger, dialog.CallId, response?.StatusCode ?? 408);
        await EndAsync(dialog, "session-refresh-failed", sendBye: response?.StatusCode != 481);
    }

    private async Task RefuseAsync(SipServerRequest request, InDialogVerdict verdict)
    {
        _metrics.Refused(verdict.Reason);
        DialogLog.Refused(_logger, request.Request.Method, request.RemoteEndPoint, verdict.Reason, request.Request.CallId, verdict.StatusCode);
        var response = SipResponse.CreateFor(request.Request, verdict.StatusCode);
        response.Headers.Set("Server", "OrleansRecorder");
        if (response.To.Tag is null)
        {
            // RFC 3261 §8.2.6.2: a final response outside a dialog carries a To tag of ours.
            response.Headers.Set(SipHeaderNames.To, response.To.WithTag(DialogTags.New()).ToString());
        }

        if (verdict.Unsupported is { } unsupported)
        {
            response.Headers.Set("Unsupported", unsupported);
        }

        if (verdict.StatusCode == 422)
        {
            response.Headers.Set(SessionTimerNegotiation.MinSeHeader,
                ((long)SessionTimerNegotiation.MinimumInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        await request.RespondAsync(response);
    }

    private sealed record SessionTimerFired(DialogLayer Layer, Dialog Dialog, SessionTimerTerms Terms)
    {
        public void Fire() => _ = FireAsync();

        private async Task FireAsync()
        {
            try
            {
                await Layer.OnSessionTimerAsync(Dialog, Terms);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                DialogLog.UserFailed(Layer._logger, ex, Dialog.CallId, "session timer");
            }
        }
    }
}
