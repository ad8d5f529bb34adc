using System.Globalization;
using System.Text;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The recorder's call handling above the <see cref="DialogLayer"/>: decides CUCM's recording dialogs
/// (<see cref="AdmissionPolicy"/>), wires each accepted one to an RTP port and a recording (<see cref="LegSetup"/>),
/// applies the SDP of ACK, re-INVITE and UPDATE, and ends legs when their dialog ends.
/// </summary>
/// <remarks>
/// Every request reaching here was matched to its dialog and source by the dialog layer; requests of one leg are
/// serialized by the leg's gate. The call grain is told of lifecycle edges only, never waited on for long.
/// </remarks>
internal sealed class RecorderUserAgent : IDialogUser
{
    /// <summary>Methods we implement (RFC 3261 §20.5); every response to them and 405/501 lists these.</summary>
    internal const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE";

    /// <summary>Methods that are valid SIP but that a recording server does not take: 405 (RFC 3261 §21.4.6).</summary>
    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE",
    };

    private readonly RecorderSettings _settings;
    private readonly NodeHealth _health;
    private readonly CallRegistry _registry;
    private readonly RecordingCoordinator _coordinator;
    private readonly LegSetup _legSetup;
    private readonly LicenseMonitor _license;
    private readonly RecordingUserDirectory _userDirectory;
    private readonly RecorderMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly OverloadGuard _overload;
    private readonly CallCapacity _capacity;
    private readonly SetupAdmission _admission;
    private readonly SiprecUserAgent _siprec;
    private long _shedSinceLog;
    private long _shedLoggedAt;

    public RecorderUserAgent(
        RecorderSettings settings,
        NodeHealth health,
        CallRegistry registry,
        RecordingCoordinator coordinator,
        LegSetup legSetup,
        LicenseMonitor license,
        RecordingUserDirectory userDirectory,
        RecorderMetrics metrics,
        DialogMetrics dialogMetrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _settings = settings;
        _health = health;
        _registry = registry;
        _coordinator = coordinator;
        _legSetup = legSetup;
        _license = license;
        _userDirectory = userDirectory;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<RecorderUserAgent>();
        _overload = new OverloadGuard(settings.MaxInviteQueueDelay, () => coordinator.Finalizers.OverloadReason);
        _capacity = new CallCapacity(settings.CallCapacity, () => registry.ActiveRecordings);
        _admission = new SetupAdmission(settings.MaxInvitesInProgress, timeProvider, _capacity);
        Dialogs = new DialogLayer(this, settings.TrustedPeers.Contains, settings.AdvertisedAddress, timeProvider,
            dialogMetrics, loggerFactory.CreateLogger<DialogLayer>());
        _siprec = new SiprecUserAgent(settings, legSetup, coordinator, Dialogs, timeProvider, loggerFactory.CreateLogger<SiprecUserAgent>());
    }

    /// <summary>The dialog layer in front of this handler: what the SIP stack hands its requests to.</summary>
    public DialogLayer Dialogs { get; }

    /// <summary>
    /// Ends a leg from our side with a BYE to CUCM (media inactivity, node stopping): the recording says why.
    /// A leg whose dialog already ended is just ended here.
    /// </summary>
    public async Task HangUpAsync(CallLeg leg, string reason)
    {
        ArgumentNullException.ThrowIfNull(leg);
        if (!await Dialogs.HangUpAsync(leg.Dialog, reason))
        {
            await _coordinator.EndLegAsync(leg, reason, CancellationToken.None);
        }
    }

    /// <remarks>
    /// On the SIP receive thread, as each new call's INVITE is read: the cap on set-ups in progress and the node's call
    /// capacity (<see cref="SetupAdmission"/>, <see cref="CallCapacity"/>). An INVITE that will be refused for a reason
    /// CUCM must not fail over on (source not trusted 403, recording user unknown 404, no licence 486) is let through
    /// uncounted, so that it gets that answer from <see cref="OnInviteAsync"/> rather than a 503 that would send it to
    /// the backup. Both user lists and the call count are in memory, so these checks cost no wait.
    /// </remarks>
    public bool AnswerAtOnce(SipServerRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var sip = invite.Request;
        if (!_settings.TrustedPeers.Contains(invite.RemoteEndPoint.Address) || _license.Channels == 0
            || SiprecRecognition.IsRecordingSession(sip))
        {
            // A recording session's metadata is in its body, not read on the receive thread: it is admitted in OnInviteAsync.
            return false;
        }

        var (metadata, _) = CucmMetadataParser.Parse(sip.From.Uri, sip.RequestUri);
        if (!IsRecordingUser(metadata, sip.From.Uri.User))
        {
            return false;
        }

        var pairingKey = CallKeys.ForMetadata(metadata, sip.CallId);
        if (_admission.TryAdmit(pairingKey, _registry.HasRecordingForPairing(pairingKey)) is { } overloaded)
        {
            // Completes on this thread (the transaction sends the response synchronously); a failure is rethrown to the
            // SIP stack, which logs it and lets the INVITE through to be answered on the thread pool.
            var shed = ShedAsync(invite, overloaded, toTag: null);
            if (shed.IsFaulted)
            {
                shed.GetAwaiter().GetResult();
            }

            return true;
        }

        invite.Screened = true;
        return false;
    }

    public async Task OnInviteAsync(SipServerRequest invite, Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(dialog);
        using var scope = _logger.BeginScope(new KeyValuePair<string, object>[] { new("CallId", dialog.CallId) });
        try
        {
            await AnswerInviteAsync(invite, dialog);
        }
        finally
        {
            if (invite.Screened)
            {
                _admission.SetupEnded();
            }
        }
    }

    public async Task OnAckAsync(SipServerRequest ack, Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(ack);
        ArgumentNullException.ThrowIfNull(dialog);
        if (FindLeg(dialog) is not { } leg)
        {
            return;
        }

        var sip = ack.Request;
        await leg.Gate.WaitAsync();
        string? problem = null;
        try
        {
            if (!leg.AwaitingAnswer || leg.Ended)
            {
                return;
            }

            leg.AwaitingAnswer = false;
            string? answerProblem = null;
            if (sip.Body.IsEmpty || !TryParseSdp(sip, out var answer) || answer is null
                || !OfferAnswer.TryReadAnswer(answer, leg.Security, out var media, out answerProblem) || media is null)
            {
                // RFC 3264 §5: the answer must carry a codec of the offer (and RFC 4568 §7.1.2, a crypto line of ours for
                // RTP/SAVP). CUCM follows with BYE (Q.850 cause 47). The flag names why: no-codec, bad-crypto, insecure-srtp.
                CallLog.NoUsableAnswer(_logger, sip.CallId);
                problem = answerProblem ?? "no-codec";
            }
            else
            {
                // The RTP source comes from this dialog's own answer only: the dialog layer matched the ACK first.
                ApplyMedia(leg, media);
                leg.ApplyDirection(media.Direction, _timeProvider);
                _coordinator.ReportChanged(leg.Recording);
            }
        }
        finally
        {
            leg.Gate.Release();
        }

        if (problem is not null)
        {
            // Nothing of this leg can be recorded: end the dialog ourselves rather than wait for CUCM's BYE (cause 47),
            // which may never come; the recording keeps the reason.
            await HangUpAsync(leg, problem);
        }
    }

    /// <summary>What the leg receives from now on (under its gate): the receiver's codec, source and keys, and the recording's leg info.</summary>
    private static void ApplyMedia(CallLeg leg, NegotiatedMedia media)
    {
        leg.Media = media;
        leg.Receiver.Configure(media);
        leg.Recording.UpdateInfo(info => LegSetup.WithLeg(info, leg.Role, leg.CallId, media.Codec, srtp: media.Srtp?.Suite));
    }

    public async Task OnRefreshAsync(SipServerRequest request, Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dialog);
        var sip = request.Request;
        if (_siprec.Owns(dialog))
        {
            await _siprec.OnRefreshAsync(request, dialog, (status, reason) => RespondAsync(request, status, null,
                response => { if (reason is not null) { response.Headers.Set("Warning", $"399 orleansrecorder \"{reason}\""); } }));
            return;
        }

        if (FindLeg(dialog) is not { } leg || leg.Ended)
        {
            await RespondAsync(request, 481, null);
            return;
        }

        // New far-end data after a transfer or conference arrives in the From URI of UPDATE / re-INVITE.
        var (metadata, _) = CucmMetadataParser.Parse(sip.From.Uri, sip.RequestUri);
        if (metadata.FarEndAddress is not null || metadata.FarEndDevice is not null || metadata.NearEndDevice is not null)
        {
            leg.Recording.UpdateInfo(info => info with { Metadata = info.Metadata.MergedWith(metadata) });
            CallLog.MetadataUpdated(_logger, leg.Recording.RecordingId, sip.Method, sip.CallId);
            _coordinator.ReportChanged(leg.Recording);
        }

        await leg.Gate.WaitAsync();
        try
        {
            if (!sip.Body.IsEmpty)
            {
                if (!TryParseSdp(sip, out var offer) || offer is null)
                {
                    await RespondAsync(request, 400, "Malformed SDP");
                    return;
                }

                var version = leg.SdpVersion + 1;
                if (!OfferAnswer.TryCreateAnswer(offer, _settings.AdvertisedAddress, leg.RtpPort, LegSetup.SessionIdFor(leg.CallId),
                        leg.Security, out var answer, out var media, out var refusal, version) || answer is null || media is null)
                {
                    // RFC 3264 §8 (and RFC 3261 §14.2): a refused re-offer leaves the session as it was.
                    await RespondAsync(request, 488, null,
                        response => response.Headers.Set("Warning", $"399 orleansrecorder \"{refusal}\""));
                    return;
                }

                leg.SdpVersion = version;
                leg.LocalSdp = SdpWriter.Write(answer);
                ApplyMedia(leg, media);

                // Hold and resume by re-INVITE (a=inactive, then sendonly): the leg stays, the pause is recorded.
                leg.ApplyDirection(media.Direction, _timeProvider);
                _coordinator.ReportChanged(leg.Recording);
                await Dialogs.RespondInDialogAsync(request, dialog, WithSdp(leg.LocalSdp));
            }
            else if (sip.Method == "INVITE")
            {
                // A re-INVITE without SDP asks for our offer (RFC 3261 §14.2); the answer comes in the ACK.
                leg.SdpVersion++;
                leg.LocalSdp = SdpWriter.Write(OfferAnswer.CreateOffer(_settings.AdvertisedAddress, leg.RtpPort,
                    LegSetup.SessionIdFor(leg.CallId), leg.SdpVersion, leg.Security, _settings.OfferedCodecs));
                leg.AwaitingAnswer = true;
                await Dialogs.RespondInDialogAsync(request, dialog, WithSdp(leg.LocalSdp));
            }
            else
            {
                // An UPDATE without SDP: a session refresh (RFC 4028) or new metadata; the media stays as it is.
                await Dialogs.RespondInDialogAsync(request, dialog, WithSdp(null));
            }
        }
        finally
        {
            leg.Gate.Release();
        }
    }

    public async Task OnDialogEndedAsync(Dialog dialog, string reason)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (_siprec.Owns(dialog))
        {
            await _siprec.OnDialogEndedAsync(dialog, reason);
            return;
        }

        if (FindLeg(dialog) is { } leg)
        {
            // A BYE from CUCM is the normal end; any other reason is kept on the leg and shows in the recording.
            var answered = await ConfigureFromOwnOfferIfUnansweredAsync(leg);
            await _coordinator.EndLegAsync(leg, reason != "bye" ? reason : answered ? null : "answer-missing", CancellationToken.None);
        }
    }

    /// <summary>
    /// A leg ending while its SDP answer was never read (the ACK lost, or overtaken by the BYE under load) may still
    /// hold the peer's RTP: rather than drop it, the leg is configured from our own offer by the held packets' payload
    /// type (RFC 3264 §5.1), and the recording says <c>answer-missing</c>. False when that happened (the leg ends
    /// flagged); true when the leg had its answer, or holds nothing to save.
    /// </summary>
    private async Task<bool> ConfigureFromOwnOfferIfUnansweredAsync(CallLeg leg)
    {
        await leg.Gate.WaitAsync();
        try
        {
            if (!leg.AwaitingAnswer || leg.Ended || leg.LocalSdp is null || leg.Receiver.HeldPayloadType is not { } payloadType)
            {
                return true;
            }

            SessionDescription offer;
            try
            {
                offer = SdpParser.Parse(leg.LocalSdp);
            }
            catch (SdpParseException)
            {
                return true; // Our own SDP: cannot happen; nothing to save from it.
            }

            if (!OfferAnswer.TryReadOwnOffer(offer, payloadType, out var media) || media is null)
            {
                return true; // Not a format of ours (or SRTP, whose key only the answer carries): the leg says no-audio.
            }

            leg.AwaitingAnswer = false;
            ApplyMedia(leg, media);
            CallLog.ConfiguredFromOwnOffer(_logger, leg.CallId, media.Codec, payloadType);
            return false;
        }
        finally
        {
            leg.Gate.Release();
        }
    }

    public Task OnOtherRequestAsync(SipServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Request.Method)
        {
            case "OPTIONS":
                // CUCM's OPTIONS ping marks the trunk up or down (PROTOCOL.md §2.2): 503 while this node cannot record.
                if (_health.GetProblem() is { } problem)
                {
                    return RefuseAsync(request, AdmissionDecision.Unavailable(problem), toTag: null);
                }

                return RespondAsync(request, 200, "OK", response =>
                {
                    response.Headers.Set("Allow", Allow);
                    response.Headers.Set("Accept", "application/sdp");
                    response.Headers.Set("Supported", "timer");
                });
            case "CANCEL":
                // A CANCEL the stack could not match to a pending INVITE (RFC 3261 §9.2).
                return RespondAsync(request, 481, null);
            default:
                return RespondAsync(request, KnownMethods.Contains(request.Request.Method) ? 405 : 501, null,
                    response => response.Headers.Set("Allow", Allow));
        }
    }

    private void LogIrregularity(string callId, string header, SipUri uri)
    {
        if (uri.Irregularity is { } irregularity)
        {
            CallLog.TolerantUri(_logger, callId, header, irregularity);
        }
    }

    /// <summary>The call's near end is to be recorded: by configuration or as a user managed through the API.</summary>
    private bool IsRecordingUser(CucmMetadata metadata, string? fromUser) =>
        _settings.Users.IsAuthorized(metadata, fromUser) || _userDirectory.IsAuthorized(metadata, fromUser);

    private async Task AnswerInviteAsync(SipServerRequest request, Dialog dialog)
    {
        var sip = request.Request;

        // RFC 7866 recording sessions take the same admission as CUCM calls, with the participants as the users.
        var siprec = SiprecRecognition.IsRecordingSession(sip) ? SiprecOffer.Read(sip) : null;
        var (metadata, parsedRole) = siprec is null ? CucmMetadataParser.Parse(sip.From.Uri, sip.RequestUri) : (new CucmMetadata(), null);
        var pairingKey = siprec is null ? CallKeys.ForMetadata(metadata, sip.CallId) : SiprecUserAgent.PairingKeyFor(sip.CallId);
        var trusted = _settings.TrustedPeers.Contains(request.RemoteEndPoint.Address);
        if (trusted)
        {
            // Once per call, and only for trusted peers: a flood from elsewhere must not become a log flood.
            LogIrregularity(sip.CallId, SipHeaderNames.From, sip.From.Uri);
            LogIrregularity(sip.CallId, SipHeaderNames.To, sip.To.Uri);
            LogIrregularity(sip.CallId, "Request", sip.RequestUri);
            if (CucmMetadataParser.OverlongField(sip.From.Uri, sip.RequestUri) is { } overlong)
            {
                CallLog.MetadataTruncated(_logger, sip.CallId, overlong, CucmMetadataParser.MaxValueLength);
            }
        }

        var health = trusted ? _health.GetProblem() : null;
        var isUser = trusted && health is null && (siprec is null
            ? IsRecordingUser(metadata, sip.From.Uri.User)
            : SiprecUserAgent.PolicyViews(siprec).Any(view => IsRecordingUser(view, view.NearEndAddress)));
        var joins = isUser && _registry.HasRecordingForPairing(pairingKey);
        // A new call screened on the receive thread had its capacity check there (SetupAdmission); others (a recording
        // session, an INVITE the screen let through on an error) have it here.
        var overloaded = isUser
            ? _overload.Check(request.QueueDelay, joins) ?? (joins || request.Screened ? null : _capacity.Check(0))
            : null;
        var decision = AdmissionPolicy.Decide(new AdmissionFacts(trusted, health, isUser, overloaded, _license.Channels, _license.Problem, joins,
            _settings.RequireSecure, request.Transport == SipTransportKind.Tls));
        if (!decision.IsAccepted)
        {
            await (overloaded == decision
                ? ShedAsync(request, decision, dialog.Id.LocalTag)
                : RefuseAsync(request, decision, dialog.Id.LocalTag));
            return;
        }

        if (siprec is not null)
        {
            if (dialog.State != DialogState.Terminated
                && await _siprec.AcceptAsync(request, dialog, siprec, pairingKey) is { } refusal)
            {
                await RefuseAsync(request, refusal, dialog.Id.LocalTag);
            }

            return;
        }

        SessionDescription? offer = null;
        if (!sip.Body.IsEmpty && !TryParseSdp(sip, out offer))
        {
            await RespondAsync(request, 400, "Malformed SDP", toTag: dialog.Id.LocalTag);
            return;
        }

        if (dialog.State == DialogState.Terminated)
        {
            return; // Cancelled while it was being admitted: the 487 went out, nothing to set up.
        }

        // A dialog without x-nearend/x-farend (a plain SIP client) is recorded as a near-end-only call.
        var setup = await _legSetup.SetUpAsync(new LegRequest(dialog, parsedRole ?? LegRole.NearEnd, metadata, pairingKey, offer));
        if (setup.Leg is not { } leg)
        {
            await RefuseAsync(request, setup.Refusal!.Value, dialog.Id.LocalTag);
            return;
        }

        if (!await Dialogs.AcceptAsync(request, dialog, WithSdp(leg.LocalSdp)))
        {
            // The INVITE was cancelled while the leg was being set up: its 487 went out, so no 200 can; undo the leg.
            await _coordinator.EndLegAsync(leg, "cancelled", CancellationToken.None);
        }
    }

    private CallLeg? FindLeg(Dialog dialog) =>
        _registry.FindLeg(dialog.CallId) is { } leg && ReferenceEquals(leg.Dialog, dialog) ? leg : null;

    /// <summary>
    /// An overload refusal: answered like any 503, but logged once a second with a count rather than once per INVITE
    /// (thousands a second; writing each would add to the load being shed).
    /// </summary>
    private async Task ShedAsync(SipServerRequest request, AdmissionDecision decision, string? toTag)
    {
        _metrics.Rejected(decision.StatusCode);
        Interlocked.Increment(ref _shedSinceLog);
        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _shedLoggedAt);
        if ((last == 0 || _timeProvider.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1))
            && Interlocked.CompareExchange(ref _shedLoggedAt, now, last) == last)
        {
            CallLog.Shed(_logger, Interlocked.Exchange(ref _shedSinceLog, 0), decision.Reason);
        }

        await SendRefusalAsync(request, decision, toTag);
    }

    private async Task RefuseAsync(SipServerRequest request, AdmissionDecision decision, string? toTag)
    {
        _metrics.Rejected(decision.StatusCode);
        CallLog.Refused(_logger, request.Request.Method, request.Request.CallId, request.RemoteEndPoint.ToString(),
            decision.StatusCode, decision.Reason);
        await SendRefusalAsync(request, decision, toTag);
    }

    /// <summary>The refusal's response: its reason in a Warning, and Retry-After on a 503.</summary>
    private Task SendRefusalAsync(SipServerRequest request, AdmissionDecision decision, string? toTag) =>
        RespondAsync(request, decision.StatusCode, null, response =>
        {
            response.Headers.Set("Warning", $"399 orleansrecorder \"{decision.Reason}\"");
            if (decision.StatusCode == 503)
            {
                response.Headers.Set("Retry-After", _settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
            }
        }, toTag);

    private static Action<SipResponse> WithSdp(string? sdp) => response =>
    {
        response.Headers.Set("Allow", Allow);
        if (sdp is not null)
        {
            response.Headers.Set("Content-Type", "application/sdp");
            response.Body = Encoding.UTF8.GetBytes(sdp);
        }
    };

    private static async Task RespondAsync(SipServerRequest request, int statusCode, string? reason,
        Action<SipResponse>? decorate = null, string? toTag = null)
    {
        var response = SipResponse.CreateFor(request.Request, statusCode, reason);
        response.Headers.Set("Server", "OrleansRecorder");
        if (statusCode > 100 && response.To.Tag is null)
        {
            // RFC 3261 §8.2.6.2: a response that can create or refuse a dialog carries our To tag.
            response.Headers.Set("To", response.To.WithTag(toTag ?? DialogTags.New()).ToString());
        }

        decorate?.Invoke(response);
        await request.RespondAsync(response);
    }

    private static bool TryParseSdp(SipMessage message, out SessionDescription? sdp)
    {
        try
        {
            sdp = SdpParser.Parse(message.Body.Span);
            return true;
        }
        catch (SdpParseException)
        {
            sdp = null;
            return false;
        }
    }
}
