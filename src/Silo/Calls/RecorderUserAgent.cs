using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The transaction user of the SIP edge: decides and answers CUCM's recording dialogs (INVITE, ACK, BYE, UPDATE,
/// re-INVITE, CANCEL, OPTIONS) and wires each accepted leg to an RTP port and a recording session.
/// </summary>
/// <remarks>
/// Called concurrently by the SIP stack for different dialogs; requests of one dialog are serialized by the leg's gate.
/// The call grain is called at lifecycle edges only. Admission order (ARCHITECTURE.md, "Failover policy"): untrusted
/// source 403; node unhealthy 503 (CUCM fails over); user unknown 404 and no channel 486 (CUCM must not fail over).
/// </remarks>
internal sealed class RecorderUserAgent(
    RecorderSettings settings,
    NodeHealth health,
    CallRegistry registry,
    RecordingCoordinator coordinator,
    IGrainFactory grains,
    RtpPortAllocator ports,
    LicenseMonitor license,
    RecordingUserDirectory userDirectory,
    MediaMetrics mediaMetrics,
    RecorderMetrics metrics,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    RtpReceiveEngine? receiveEngine = null) : ISipRequestHandler
{
    /// <summary>Methods we implement (RFC 3261 §20.5); every response to them and 405/501 lists these.</summary>
    private const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE";

    /// <summary>Methods that are valid SIP but that a recording server does not take: 405 (RFC 3261 §21.4.6).</summary>
    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE",
    };

    private readonly ILogger _logger = loggerFactory.CreateLogger<RecorderUserAgent>();
    private readonly OverloadGuard _overload = new(settings.MaxInviteQueueDelay);
    private readonly SetupAdmission _admission = new(settings.MaxInvitesInProgress, timeProvider);
    private long _shedSinceLog;
    private long _shedLoggedAt;

    public async Task OnRequestAsync(SipServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sip = request.Request;
        using var scope = _logger.BeginScope(new KeyValuePair<string, object>[] { new("CallId", sip.CallId) });
        try
        {
            if (request.IsAck)
            {
                await OnAckAsync(request);
                return;
            }

            switch (sip.Method)
            {
                case "INVITE" when sip.To.Tag is null:
                    await OnInviteAsync(request);
                    break;
                case "INVITE":
                case "UPDATE":
                    await OnSessionRefreshAsync(request);
                    break;
                case "BYE":
                    await OnByeAsync(request);
                    break;
                case "OPTIONS":
                    await OnOptionsAsync(request);
                    break;
                case "CANCEL":
                    // A CANCEL the stack could not match to a pending INVITE (RFC 3261 §9.2).
                    await RespondAsync(request, 481, "Call/Transaction Does Not Exist");
                    break;
                default:
                    await RespondAsync(request, KnownMethods.Contains(sip.Method) ? 405 : 501, null,
                        response => response.Headers.Set("Allow", Allow));
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The stack answers 500 if nothing final was sent; we only add the context.
            CallLog.HandlerFailed(_logger, sip.Method, sip.CallId, ex);
            throw;
        }
    }

    public void OnInviteCancelled(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (registry.FindLeg(invite.CallId) is { } leg)
        {
            _ = EndLegQuietlyAsync(leg, "cancelled");
        }
    }

    public void OnAckTimeout(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (registry.FindLeg(invite.CallId) is { } leg)
        {
            _ = EndLegQuietlyAsync(leg, "no-ack");
        }
    }

    /// <remarks>
    /// On the SIP receive thread, as each new call's INVITE is read: the cap on set-ups in progress
    /// (<see cref="SetupAdmission"/>). An INVITE that will be refused for a reason CUCM must not fail over on (source
    /// not trusted 403, recording user unknown 404, no licence 486) is let through uncounted, so that it gets that
    /// answer from <see cref="AnswerInviteAsync"/> rather than a 503 that would send it to the backup. Both user lists
    /// are in memory, so these checks cost no wait.
    /// </remarks>
    public bool AnswerAtOnce(SipServerRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var sip = invite.Request;
        if (!settings.TrustedPeers.Contains(invite.RemoteEndPoint.Address) || license.Channels == 0)
        {
            return false;
        }

        var (metadata, _) = CucmMetadataParser.Parse(sip.From.Uri, sip.RequestUri);
        if (!IsRecordingUser(metadata, sip.From.Uri.User))
        {
            return false;
        }

        var pairingKey = CallKeys.ForMetadata(metadata, sip.CallId);
        if (_admission.TryAdmit(pairingKey, registry.FindRecordingForPairing(pairingKey) is not null) is { } overloaded)
        {
            // Completes on this thread (the transaction sends the response synchronously); a failure is rethrown to the
            // SIP stack, which logs it and lets the INVITE through to be answered on the thread pool.
            var shed = ShedAsync(invite, overloaded);
            if (shed.IsFaulted)
            {
                shed.GetAwaiter().GetResult();
            }

            return true;
        }

        invite.Screened = true;
        return false;
    }

    /// <summary>The call's near end is to be recorded: by configuration or as a user managed through the API.</summary>
    private bool IsRecordingUser(CucmMetadata metadata, string? fromUser) =>
        settings.Users.IsAuthorized(metadata, fromUser) || userDirectory.IsAuthorized(metadata, fromUser);

    private async Task OnInviteAsync(SipServerRequest request)
    {
        try
        {
            await AnswerInviteAsync(request);
        }
        finally
        {
            if (request.Screened)
            {
                _admission.SetupEnded();
            }
        }
    }

    private async Task AnswerInviteAsync(SipServerRequest request)
    {
        var sip = request.Request;
        if (!settings.TrustedPeers.Contains(request.RemoteEndPoint.Address))
        {
            await RefuseAsync(request, AdmissionDecision.Forbidden("Source not a trusted peer"));
            return;
        }

        if (health.GetProblem() is { } problem)
        {
            await RefuseAsync(request, AdmissionDecision.Unavailable(problem));
            return;
        }

        if (registry.FindLeg(sip.CallId) is { LocalSdp: { } sdpAgain } again)
        {
            // The same dialog offered again with a new branch (a UAC that lost our 200): same answer.
            await RespondOkAsync(request, again, sdpAgain);
            return;
        }

        var (metadata, parsedRole) = CucmMetadataParser.Parse(sip.From.Uri, sip.RequestUri);
        if (!IsRecordingUser(metadata, sip.From.Uri.User))
        {
            await RefuseAsync(request, AdmissionDecision.UserUnknown("Recording user not authorized"));
            return;
        }

        var pairingKey = CallKeys.ForMetadata(metadata, sip.CallId);
        var joinsOpenRecording = registry.FindRecordingForPairing(pairingKey) is not null;
        if (_overload.Check(request.QueueDelay, joinsOpenRecording) is { } overloaded)
        {
            await ShedAsync(request, overloaded);
            return;
        }

        // An invalid or expired licence leaves no channel at all: 486 like an exhausted one (no failover).
        if (license.Channels == 0 && !joinsOpenRecording)
        {
            await RefuseAsync(request, AdmissionDecision.Busy($"Licence: {license.Problem}"));
            return;
        }

        SessionDescription? offer = null;
        if (!sip.Body.IsEmpty)
        {
            if (!TryParseSdp(sip, out offer))
            {
                await RespondAsync(request, 400, "Malformed SDP");
                return;
            }
        }

        // A dialog without x-nearend/x-farend (a plain SIP client) is recorded as a near-end-only call.
        var role = parsedRole ?? LegRole.NearEnd;
        var callGrain = grains.GetGrain<ICallGrain>(pairingKey);
        var now = timeProvider.GetUtcNow();
        var offered = await OfferLegAsync(callGrain, pairingKey, new LegOffer(role, sip.CallId, metadata, settings.NodeName, now));
        var assignment = offered with { RecordingId = registry.Pair(pairingKey, role, offered.RecordingId) };

        // A leg refused from here on gives its role back to the node's pairing and tells the grain it ended.
        void Withdraw()
        {
            registry.Unpair(pairingKey, role, assignment.RecordingId);
            coordinator.TellGrain(pairingKey, g => g.LegEndedAsync(assignment.RecordingId, role, sip.CallId));
        }

        if (!ports.TryBind(settings.SipListenAddress, out var socket, out var rtpPort) || socket is null)
        {
            Withdraw();
            await RefuseAsync(request, AdmissionDecision.Unavailable("No free RTP port"));
            return;
        }

        var sessionId = SessionIdFor(sip.CallId);
        NegotiatedMedia? media = null;
        string localSdp;
        if (offer is not null)
        {
            if (!OfferAnswer.TryCreateAnswer(offer, settings.AdvertisedAddress, rtpPort, sessionId, out var answer, out media) || answer is null)
            {
                ports.Release(rtpPort);
                socket.Dispose();
                Withdraw();
                await RespondAsync(request, 488, "Not Acceptable Here");
                return;
            }

            localSdp = SdpWriter.Write(answer);
        }
        else
        {
            // CUCM's delayed offer (PROTOCOL.md §1.2): our offer goes in the 200 OK, its answer comes in the ACK.
            localSdp = SdpWriter.Write(OfferAnswer.CreateOffer(settings.AdvertisedAddress, rtpPort, sessionId, 1));
        }

        var opened = false;
        var recording = registry.GetOrOpen(assignment.RecordingId, license.Channels, () =>
        {
            opened = true;
            var info = new RecordingInfo
            {
                RecordingId = assignment.RecordingId,
                StartedAt = now,
                Metadata = metadata,
                RecordedBy = settings.NodeName,
            };
            return new ActiveRecording(pairingKey, RecordingSession.Create(settings.Recording, info, timeProvider), info);
        });
        if (recording is null)
        {
            ports.Release(rtpPort);
            socket.Dispose();
            Withdraw();
            await RefuseAsync(request, AdmissionDecision.Busy("No licensed channel free"));
            return;
        }

        if (opened)
        {
            metrics.CallStarted();
        }

        var sink = role == LegRole.NearEnd ? recording.Session.NearEnd : recording.Session.FarEnd;
        var receiver = new RtpLegReceiver(socket, sink, settings.Receiver, timeProvider, mediaMetrics,
            loggerFactory.CreateLogger<RtpLegReceiver>(), receiveEngine);
        var leg = new CallLeg(sip.CallId, NewTag(), sip.From.Tag, role, recording, rtpPort, receiver)
        {
            LocalSdp = localSdp,
            AwaitingAnswer = offer is null,
            Media = media,
            Remote = request.RemoteEndPoint,
        };
        if (!recording.TryAttach(leg) || !registry.TryAddLeg(leg))
        {
            await receiver.DisposeAsync();
            coordinator.ReleasePort(leg);

            await RefuseAsync(request, AdmissionDecision.Busy("This stream of the call is already recorded"));
            return;
        }

        if (media is not null)
        {
            receiver.Configure(media);
        }

        receiver.Start();
        recording.UpdateInfo(info => WithLeg(info, role, sip.CallId, media?.Codec));
        CallLog.LegAccepted(_logger, sip.CallId, role, recording.RecordingId, rtpPort);
        await RespondOkAsync(request, leg, localSdp);
    }

    private async Task OnAckAsync(SipServerRequest request)
    {
        var sip = request.Request;
        if (registry.FindLeg(sip.CallId) is not { } leg)
        {
            return;
        }

        await leg.Gate.WaitAsync();
        string? problem = null;
        try
        {
            if (!leg.AwaitingAnswer || leg.Ended)
            {
                return;
            }

            leg.AwaitingAnswer = false;
            if (sip.Body.IsEmpty || !TryParseSdp(sip, out var answer) || answer is null
                || !OfferAnswer.TryReadAnswer(answer, out var media) || media is null)
            {
                // RFC 3264 §5: the answer must carry a codec of the offer. CUCM follows with BYE (Q.850 cause 47).
                CallLog.NoUsableAnswer(_logger, sip.CallId);
                problem = "no-codec";
            }
            else
            {
                leg.Media = media;
                leg.Receiver.Configure(media);
                leg.ApplyDirection(media.Direction, timeProvider);
                leg.Recording.UpdateInfo(info => WithLeg(info, leg.Role, leg.CallId, media.Codec));
            }
        }
        finally
        {
            leg.Gate.Release();
        }

        if (problem is not null)
        {
            await coordinator.EndLegAsync(leg, problem, CancellationToken.None);
        }
    }

    private async Task OnSessionRefreshAsync(SipServerRequest request)
    {
        var sip = request.Request;
        if (registry.FindLeg(sip.CallId) is not { } leg || leg.Ended || sip.To.Tag != leg.LocalTag)
        {
            await RespondAsync(request, 481, "Call/Transaction Does Not Exist");
            return;
        }

        // New far-end data after a transfer or conference arrives in the From URI of UPDATE / re-INVITE.
        var (metadata, _) = CucmMetadataParser.Parse(sip.From.Uri, sip.RequestUri);
        if (metadata.FarEndAddress is not null || metadata.FarEndDevice is not null || metadata.NearEndDevice is not null)
        {
            leg.Recording.UpdateInfo(info => info with { Metadata = info.Metadata.MergedWith(metadata) });
            CallLog.MetadataUpdated(_logger, leg.Recording.RecordingId, sip.Method, sip.CallId);
            coordinator.TellGrain(leg.Recording.PairingKey, g => g.UpdateMetadataAsync(leg.Recording.RecordingId, metadata));
        }

        await leg.Gate.WaitAsync();
        try
        {
            var isInvite = sip.Method == "INVITE";
            if (!sip.Body.IsEmpty)
            {
                if (!TryParseSdp(sip, out var offer) || offer is null)
                {
                    await RespondAsync(request, 400, "Malformed SDP");
                    return;
                }

                leg.SdpVersion++;
                if (!OfferAnswer.TryCreateAnswer(offer, settings.AdvertisedAddress, leg.RtpPort, SessionIdFor(leg.CallId), out var answer, out var media, leg.SdpVersion)
                    || answer is null || media is null)
                {
                    await RespondAsync(request, 488, "Not Acceptable Here");
                    return;
                }

                leg.LocalSdp = SdpWriter.Write(answer);
                leg.Media = media;
                leg.Receiver.Configure(media);
                leg.ApplyDirection(media.Direction, timeProvider);
                leg.Recording.UpdateInfo(info => WithLeg(info, leg.Role, leg.CallId, media.Codec));
                await RespondOkAsync(request, leg, leg.LocalSdp);
            }
            else if (isInvite)
            {
                // A re-INVITE without SDP asks for our offer (RFC 3261 §14.2); the answer comes in the ACK.
                leg.SdpVersion++;
                leg.LocalSdp = SdpWriter.Write(OfferAnswer.CreateOffer(settings.AdvertisedAddress, leg.RtpPort, SessionIdFor(leg.CallId), leg.SdpVersion));
                leg.AwaitingAnswer = true;
                await RespondOkAsync(request, leg, leg.LocalSdp);
            }
            else
            {
                await RespondOkAsync(request, leg, sdp: null);
            }
        }
        finally
        {
            leg.Gate.Release();
        }
    }

    private async Task OnByeAsync(SipServerRequest request)
    {
        var sip = request.Request;
        if (registry.FindLeg(sip.CallId) is not { } leg)
        {
            await RespondAsync(request, 481, "Call/Transaction Does Not Exist");
            return;
        }

        await RespondAsync(request, 200, "OK");
        await coordinator.EndLegAsync(leg, flag: null, CancellationToken.None);
    }

    private Task OnOptionsAsync(SipServerRequest request)
    {
        // CUCM's OPTIONS ping marks the trunk up or down (PROTOCOL.md): 503 while this node cannot record.
        if (health.GetProblem() is { } problem)
        {
            return RefuseAsync(request, AdmissionDecision.Unavailable(problem));
        }

        return RespondAsync(request, 200, "OK", response =>
        {
            response.Headers.Set("Allow", Allow);
            response.Headers.Set("Accept", "application/sdp");
        });
    }

    /// <summary>
    /// An overload refusal: answered like any 503, but logged once a second with a count rather than once per INVITE
    /// (thousands a second; writing each would add to the load being shed).
    /// </summary>
    private async Task ShedAsync(SipServerRequest request, AdmissionDecision decision)
    {
        metrics.Rejected(decision.StatusCode);
        Interlocked.Increment(ref _shedSinceLog);
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _shedLoggedAt);
        if ((last == 0 || timeProvider.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1))
            && Interlocked.CompareExchange(ref _shedLoggedAt, now, last) == last)
        {
            CallLog.Shed(_logger, Interlocked.Exchange(ref _shedSinceLog, 0), decision.Reason);
        }

        await SendRefusalAsync(request, decision);
    }

    private async Task RefuseAsync(SipServerRequest request, AdmissionDecision decision)
    {
        metrics.Rejected(decision.StatusCode);
        CallLog.Refused(_logger, request.Request.Method, request.Request.CallId, request.RemoteEndPoint.ToString(),
            decision.StatusCode, decision.Reason);
        await SendRefusalAsync(request, decision);
    }

    /// <summary>The refusal's response: its reason in a Warning, and Retry-After on a 503.</summary>
    private Task SendRefusalAsync(SipServerRequest request, AdmissionDecision decision) =>
        RespondAsync(request, decision.StatusCode, null, response =>
        {
            response.Headers.Set("Warning", $"399 orleansrecorder \"{decision.Reason}\"");
            if (decision.StatusCode == 503)
            {
                response.Headers.Set("Retry-After", settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
            }
        });

    private Task RespondOkAsync(SipServerRequest request, CallLeg leg, string? sdp) =>
        RespondAsync(request, 200, "OK", response =>
        {
            response.Headers.Set("To", response.To.WithTag(leg.LocalTag).ToString());
            var transport = request.Transport == SipTransportKind.Tcp ? ";transport=tcp" : "";
            var user = request.Request.RequestUri.User is { Length: > 0 } u ? u + "@" : "";
            response.Headers.Set("Contact", $"<sip:{user}{FormatHost(settings.AdvertisedAddress)}:{request.LocalEndPoint.Port}{transport}>");
            response.Headers.Set("Allow", Allow);
            if (sdp is not null)
            {
                response.Headers.Set("Content-Type", "application/sdp");
                response.Body = Encoding.UTF8.GetBytes(sdp);
            }
        });

    private async Task RespondAsync(SipServerRequest request, int statusCode, string? reason, Action<SipResponse>? decorate = null)
    {
        var response = SipResponse.CreateFor(request.Request, statusCode, reason);
        response.Headers.Set("Server", "OrleansRecorder");
        if (statusCode > 100 && response.To.Tag is null)
        {
            // RFC 3261 §8.2.6.2: a response that can create or refuse a dialog carries our To tag.
            response.Headers.Set("To", response.To.WithTag(registry.FindLeg(request.Request.CallId)?.LocalTag ?? NewTag()).ToString());
        }

        decorate?.Invoke(response);
        await request.RespondAsync(response);
    }

    /// <summary>
    /// Asks the call grain which recording the leg joins. The SIP edge never waits on the cluster for long: when the
    /// grain does not answer in time (its directory owner just died and is not yet declared dead), the leg is paired
    /// locally, which is right for CUCM since both legs of a call come to the same trunk.
    /// </summary>
    private async Task<LegAssignment> OfferLegAsync(ICallGrain callGrain, string pairingKey, LegOffer offer)
    {
        try
        {
            return await callGrain.OfferLegAsync(offer).WaitAsync(RecordingCoordinator.GrainTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException)
        {
            CallLog.GrainCallFailed(_logger, pairingKey, ex);
            // A fresh id: CallRegistry.Pair joins it to its partner's recording when the partner is already here.
            return new LegAssignment(Guid.CreateVersion7().ToString("N"), IsNewRecording: true);
        }
    }

    private async Task EndLegQuietlyAsync(CallLeg leg, string flag)
    {
        try
        {
            await coordinator.EndLegAsync(leg, flag, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.HandlerFailed(_logger, "END", leg.CallId, ex);
        }
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

    private static RecordingInfo WithLeg(RecordingInfo info, LegRole role, string callId, AudioCodec? codec) => role == LegRole.NearEnd
        ? info with { NearEndCallId = callId, NearEndCodec = codec ?? info.NearEndCodec }
        : info with { FarEndCallId = callId, FarEndCodec = codec ?? info.FarEndCodec };

    private static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A stable o= session id per dialog (RFC 4566 §5.2 only asks for uniqueness).</summary>
    private static long SessionIdFor(string callId) => (long)(unchecked((uint)StringComparer.Ordinal.GetHashCode(callId)) & 0x7FFFFFFF) + 1;

    private static string FormatHost(System.Net.IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
