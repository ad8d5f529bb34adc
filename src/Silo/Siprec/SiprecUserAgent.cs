using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// The Session Recording Server side of RFC 7866, below <see cref="RecorderUserAgent"/> (which admits the session with
/// the same policy as CUCM calls): sets up one leg per recorded stream in one recording, answers with SDP alone
/// (one <c>recvonly</c> m-line per stream, port 0 for what is not recorded), and applies re-INVITE and UPDATE
/// (new metadata, <c>a=inactive</c> pauses, streams added).
/// </summary>
internal sealed class SiprecUserAgent(
    RecorderSettings settings,
    LegSetup legSetup,
    RecordingCoordinator coordinator,
    DialogLayer dialogs,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly ConcurrentDictionary<string, SiprecSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>The pairing key of a recording session: its own Call-ID (one dialog is the whole recording).</summary>
    public static string PairingKeyFor(string callId) => "siprec:" + callId;

    /// <summary>
    /// The session seen as CUCM metadata, so recording users, the catalog's number columns and the search work as for
    /// CUCM calls: near end = the left channel's participant (the caller), far end = the right one's.
    /// </summary>
    public static CucmMetadata ViewOf(IReadOnlyList<SiprecParticipant?> channelParticipants, SiprecMetadata? metadata)
    {
        ArgumentNullException.ThrowIfNull(channelParticipants);
        var near = channelParticipants.Count > 0 ? channelParticipants[0] : null;
        var far = channelParticipants.Count > 1 ? channelParticipants[1] : null;
        return new CucmMetadata
        {
            NearEndAddress = near?.User ?? SiprecAor.UserOf(metadata?.OriginalFrom),
            FarEndAddress = far?.User ?? SiprecAor.UserOf(metadata?.OriginalTo),
            NearEndDevice = near?.Name,
            FarEndDevice = far?.Name,
            Profile = "siprec",
        };
    }

    /// <summary>
    /// Who a recording user could be in this session: every participant's number (and the recorded call's original
    /// From and To from vendor data), each as the near end the user lists match.
    /// </summary>
    public static IEnumerable<CucmMetadata> PolicyViews(SiprecOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var metadata = offer.Metadata.Metadata;
        var numbers = (metadata?.Participants.Select(p => p.User) ?? [])
            .Append(SiprecAor.UserOf(metadata?.OriginalFrom))
            .Append(SiprecAor.UserOf(metadata?.OriginalTo));
        var views = numbers.OfType<string>().Distinct(StringComparer.Ordinal).Select(n => new CucmMetadata { NearEndAddress = n }).ToList();

        // Without any number the lists can still say yes (record everyone).
        return views.Count > 0 ? views : [new CucmMetadata()];
    }

    public bool Owns(Dialog dialog) => _sessions.TryGetValue(dialog.CallId, out var session) && ReferenceEquals(session.Dialog, dialog);

    /// <summary>
    /// Sets up an admitted recording session and answers it 200; returns the refusal to send instead (400 unreadable,
    /// 488 nothing recordable, or LegSetup's: no port, no licensed channel, codec), null when answered.
    /// </summary>
    public async Task<AdmissionDecision?> AcceptAsync(SipServerRequest request, Dialog dialog, SiprecOffer offer, string pairingKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(offer);
        if (offer.Problem is { } problem)
        {
            return new AdmissionDecision(400, problem);
        }

        if (offer.Sdp is not { } sdp)
        {
            // RFC 7866 §6.1.1: the SRC offers the streams it will send; a recorder has no streams of its own to offer.
            return new AdmissionDecision(488, "A recording session INVITE must carry an SDP offer");
        }

        var recordable = RecordableMedia(sdp);
        if (recordable.Count == 0)
        {
            return new AdmissionDecision(488, "No audio stream to record in the offer");
        }

        var metadata = offer.Metadata.Metadata;
        var map = SiprecStreamMapper.Map(recordable, metadata);
        var recorded = map.Channels.Take(SiprecSession.MaxStreams).ToList();
        var view = ViewOf([.. recorded.Select(c => c.Participant)], metadata);
        var session = new SiprecSession(dialog, pairingKey) { Metadata = metadata };
        var now = timeProvider.GetUtcNow();
        for (var i = 0; i < recorded.Count; i++)
        {
            var channel = recorded[i];
            var setup = await legSetup.SetUpAsync(new LegRequest(dialog, SiprecSession.RoleOf(i), view, pairingKey,
                SubOffer(sdp, sdp.Media[channel.MediaIndex]), channel.Label, i));
            if (setup.Leg is not { } leg)
            {
                foreach (var taken in session.AllLegs)
                {
                    await coordinator.EndLegAsync(taken, "cancelled", CancellationToken.None);
                }

                return setup.Refusal;
            }

            session.Legs[channel.Label] = leg;
            session.Answers[channel.Label] = WithLabel(SdpParser.Parse(Encoding.UTF8.GetBytes(leg.LocalSdp!)).Media[0], channel.Label);
        }

        var flags = new List<string>();
        if (offer.Metadata.Problem is { } metadataProblem)
        {
            flags.Add("metadata-missing");
            SiprecLog.MetadataMissing(logger, dialog.CallId, metadataProblem);
        }

        if (map.Channels.Count > recorded.Count)
        {
            flags.Add("streams-not-recorded");
            SiprecLog.StreamsNotRecorded(logger, dialog.CallId, map.Channels.Count - recorded.Count);
        }

        var info = new SiprecRecordingInfo
        {
            SessionId = metadata?.SessionId,
            SipSessionId = metadata?.SipSessionId,
            MetadataContentType = offer.MetadataContentType,
            StreamMapping = map.Mapping,
            MetadataProblem = offer.Metadata.Problem,
            Channels = recorded.Count,
            OriginalCallId = metadata?.OriginalCallId,
            OriginalFrom = metadata?.OriginalFrom,
            OriginalTo = metadata?.OriginalTo,
            Participants = SiprecParticipantLedger.Participants(metadata, recorded, [], now),
            Streams = [.. map.Channels.Select((c, i) => new SiprecStreamEntry
            {
                Label = c.Label,
                Channel = i < recorded.Count ? i : null,
                ParticipantId = c.Participant?.Id,
                AddedAt = now,
            })],
            Extensions = metadata?.Extensions ?? [],
            Flags = flags,
        };
        var recording = session.Legs.Values.First().Recording;
        recording.UpdateInfo(current => current with { Siprec = info, Metadata = view });
        session.LocalSdp = SdpWriter.Write(Answer(sdp, session));
        _sessions[dialog.CallId] = session;
        SiprecLog.Accepted(logger, dialog.CallId, recording.RecordingId, recorded.Count, map.Mapping);
        if (!await dialogs.AcceptAsync(request, dialog, WithSdp(session.LocalSdp)))
        {
            // Cancelled while being set up: its 487 went out; undo the legs (the recording is discarded).
            _sessions.TryRemove(new KeyValuePair<string, SiprecSession>(dialog.CallId, session));
            foreach (var leg in session.AllLegs)
            {
                await coordinator.EndLegAsync(leg, "cancelled", CancellationToken.None);
            }
        }

        return null;
    }

    /// <summary>
    /// A re-INVITE or UPDATE of a recording session (RFC 7866 §7.1.2, §7.3): new metadata updates the participants with
    /// times; each m-line's direction pauses (<c>inactive</c>, port 0) or resumes its stream; a new labelled stream is
    /// recorded from now on while a channel is free.
    /// </summary>
    public async Task OnRefreshAsync(SipServerRequest request, Dialog dialog, Func<int, string?, Task> respondError)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(respondError);
        if (!_sessions.TryGetValue(dialog.CallId, out var session) || session.AllLegs.All(l => l.Ended))
        {
            await respondError(481, null);
            return;
        }

        var sip = request.Request;
        var offer = SiprecOffer.Read(sip);
        if (offer.Problem is { } problem)
        {
            await respondError(400, problem);
            return;
        }

        await session.Gate.WaitAsync();
        try
        {
            var now = timeProvider.GetUtcNow();
            var recording = session.AllLegs.First().Recording;
            if (offer.Metadata.Metadata is { } metadata)
            {
                session.Metadata = metadata;
                SiprecLog.MetadataUpdated(logger, dialog.CallId, sip.Method);
                recording.UpdateInfo(current => current with
                {
                    Siprec = current.Siprec is { } info ? SiprecParticipantLedger.Updated(info, metadata, now) : null,
                });
            }

            if (offer.Sdp is { } sdp)
            {
                if (await ApplyOfferAsync(session, sdp, now) is { } refusal)
                {
                    await respondError(488, refusal);
                    return;
                }

                session.SdpVersion++;
                session.LocalSdp = SdpWriter.Write(Answer(sdp, session));
                await dialogs.RespondInDialogAsync(request, dialog, WithSdp(session.LocalSdp));
            }
            else if (sip.Method == "INVITE")
            {
                // RFC 3261 §14.2: a re-INVITE without SDP asks for our offer: the streams as they are, recvonly.
                session.SdpVersion++;
                session.LocalSdp = SdpWriter.Write(new SessionDescription
                {
                    Origin = OriginFor(session),
                    Connection = SdpConnection.FromAddress(settings.AdvertisedAddress),
                    Media = [.. session.Answers.Values],
                });
                await dialogs.RespondInDialogAsync(request, dialog, WithSdp(session.LocalSdp));
            }
            else
            {
                await dialogs.RespondInDialogAsync(request, dialog, WithSdp(null));
            }
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>The dialog ended (BYE, our BYE, no ACK): every stream of the session ends; the last one finalizes.</summary>
    public async Task OnDialogEndedAsync(Dialog dialog, string reason)
    {
        if (!_sessions.TryGetValue(dialog.CallId, out var session) || !ReferenceEquals(session.Dialog, dialog))
        {
            return;
        }

        _sessions.TryRemove(new KeyValuePair<string, SiprecSession>(dialog.CallId, session));

        // Under the session's gate: a re-INVITE still adding a stream finishes first, so that stream ends too.
        List<CallLeg> legs;
        await session.Gate.WaitAsync();
        try
        {
            legs = [.. session.AllLegs];
            if (dialog.EndingBye is { Body.Length: > 0 } bye && legs.Count > 0)
            {
                ApplyFinalMetadata(dialog, bye, legs[0].Recording);
            }
        }
        finally
        {
            session.Gate.Release();
        }

        foreach (var leg in legs)
        {
            await coordinator.EndLegAsync(leg, reason == "bye" ? null : reason, CancellationToken.None);
        }
    }

    /// <summary>
    /// PROTOCOL.md §3.1 (CUBE, "Disconnect while Sending Metadata with BYE"): the SRC's BYE may carry the final metadata (CUBE: the session's end time and the
    /// participants' disassociate times). Read like an UPDATE's, before the streams end, so the manifest has it; a body
    /// that cannot be read changes nothing (the BYE was answered 200 already).
    /// </summary>
    private void ApplyFinalMetadata(Dialog dialog, SipRequest bye, ActiveRecording recording)
    {
        var offer = SiprecOffer.Read(bye);
        if (offer.Problem is not null || offer.Metadata.Metadata is not { } metadata)
        {
            return;
        }

        SiprecLog.MetadataUpdated(logger, dialog.CallId, bye.Method);
        var now = timeProvider.GetUtcNow();
        recording.UpdateInfo(current => current with
        {
            Siprec = current.Siprec is { } info ? SiprecParticipantLedger.Updated(info, metadata, now) : null,
        });
    }

    /// <summary>
    /// The audio m-lines the SRC sends (RFC 7866 §8.1.1: one per stream, sendonly, labelled), in SDP order, with their
    /// label (the m-line's index when it has none). Port 0 is a stream removed.
    /// </summary>
    public static List<(int Index, string Label)> RecordableMedia(SessionDescription sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var media = new List<(int, string)>();
        for (var i = 0; i < sdp.Media.Count; i++)
        {
            var m = sdp.Media[i];
            if (m.Port != 0 && m.MediaType.Equals("audio", StringComparison.OrdinalIgnoreCase))
            {
                media.Add((i, LabelOf(m, i)));
            }
        }

        return media;
    }

    /// <summary>RFC 4574 <c>a=label</c> of an m-line, or its index as text.</summary>
    public static string LabelOf(MediaDescription media, int index)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Attributes.FirstOrDefault(a => a.Name.Equals("label", StringComparison.OrdinalIgnoreCase))?.Value?.Trim() is { Length: > 0 } label
            ? label
            : index.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Applies a new offer to the session's streams; a refusal's reason when the offer cannot be taken.</summary>
    private async Task<string?> ApplyOfferAsync(SiprecSession session, SessionDescription sdp, DateTimeOffset now)
    {
        var recording = session.AllLegs.First().Recording;
        var added = new List<SiprecStreamEntry>();
        for (var i = 0; i < sdp.Media.Count; i++)
        {
            var offered = sdp.Media[i];
            var label = LabelOf(offered, i);
            if (session.Legs.TryGetValue(label, out var leg))
            {
                await leg.Gate.WaitAsync();
                try
                {
                    if (offered.Port == 0)
                    {
                        // A stream removed (CUBE on video de-escalation): paused, its channel stays in the recording.
                        leg.ApplyDirection(MediaDirection.Inactive, timeProvider);
                        session.Answers[label] = OfferAnswer.CreateRejectedMedia(offered);
                        continue;
                    }

                    if (!OfferAnswer.TryCreateAnswer(SubOffer(sdp, offered), settings.AdvertisedAddress, leg.RtpPort, LegSetup.SessionIdFor(leg.CallId),
                            leg.Security, out var answer, out var media, out var refusal) || answer is null || media is null)
                    {
                        // RFC 3264 §8: a refused re-offer leaves the session as it was.
                        return refusal ?? "No usable codec";
                    }

                    leg.Media = media;
                    leg.Receiver.Configure(media);
                    leg.ApplyDirection(media.Direction, timeProvider);
                    session.Answers[label] = WithLabel(answer.Media[0], label);
                }
                finally
                {
                    leg.Gate.Release();
                }
            }
            else if (offered.Port != 0 && offered.MediaType.Equals("audio", StringComparison.OrdinalIgnoreCase) && session.FreeChannel() is { } channel)
            {
                // A stream added by re-INVITE: recorded from now on (silent before in the file), in the lowest free channel.
                var setup = await legSetup.SetUpAsync(new LegRequest(session.Dialog, SiprecSession.RoleOf(channel), recording.Info.Metadata,
                    session.PairingKey, SubOffer(sdp, offered), label, channel));
                if (setup.Leg is { } newLeg)
                {
                    session.Legs[label] = newLeg;
                    session.Answers[label] = WithLabel(SdpParser.Parse(Encoding.UTF8.GetBytes(newLeg.LocalSdp!)).Media[0], label);
                    added.Add(new SiprecStreamEntry { Label = label, Channel = channel, AddedAt = now });
                }
            }
        }

        if (added.Count > 0)
        {
            recording.UpdateInfo(current => current with
            {
                Siprec = current.Siprec is { } info
                    ? info with { Streams = [.. info.Streams, .. added], Channels = Math.Max(info.Channels, session.Legs.Values.Max(l => l.Channel) + 1) }
                    : null,
            });
        }

        return null;
    }

    /// <summary>The answer: every offered m-line in order, ours where recorded, port 0 elsewhere (RFC 3264 §6).</summary>
    private SessionDescription Answer(SessionDescription offer, SiprecSession session)
    {
        var media = new List<MediaDescription>(offer.Media.Count);
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var label = LabelOf(offer.Media[i], i);
            media.Add(session.Legs.ContainsKey(label) && session.Answers.TryGetValue(label, out var answered)
                ? answered
                : OfferAnswer.CreateRejectedMedia(offer.Media[i]));
        }

        return new SessionDescription
        {
            Origin = OriginFor(session),
            Connection = SdpConnection.FromAddress(settings.AdvertisedAddress),
            Timings = offer.Timings,
            Media = media,
        };
    }

    private SdpOrigin OriginFor(SiprecSession session)
    {
        var address = settings.AdvertisedAddress;
        return new SdpOrigin("OrleansRecorder", LegSetup.SessionIdFor(session.Dialog.CallId).ToString(CultureInfo.InvariantCulture),
            session.SdpVersion.ToString(CultureInfo.InvariantCulture), "IN",
            address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4", address.ToString());
    }

    /// <summary>One m-line of an offer as an offer of its own, with the session-level c= and direction it inherits.</summary>
    private static SessionDescription SubOffer(SessionDescription sdp, MediaDescription media) => new()
    {
        Origin = sdp.Origin,
        SessionName = sdp.SessionName,
        Connection = sdp.Connection,
        Timings = sdp.Timings,
        Direction = sdp.Direction,
        Attributes = sdp.Attributes,
        Media = [media],
    };

    /// <summary>Our m-line with the stream's <c>a=label</c> (RFC 4574), so the SRC sees which answer is which stream.</summary>
    private static MediaDescription WithLabel(MediaDescription media, string label) => new()
    {
        MediaType = media.MediaType,
        Port = media.Port,
        PortCount = media.PortCount,
        Protocol = media.Protocol,
        Formats = media.Formats,
        Connection = media.Connection,
        Bandwidths = media.Bandwidths,
        RtpMaps = media.RtpMaps,
        FormatParameters = media.FormatParameters,
        PacketTimeMs = media.PacketTimeMs,
        Direction = media.Direction,
        Attributes = [.. media.Attributes.Where(a => !a.Name.Equals("label", StringComparison.OrdinalIgnoreCase)), new SdpAttribute("label", label)],
        OtherLines = media.OtherLines,
    };

    /// <summary>SDP alone in our answers: RFC 7866 §8.1.2 lets the SRS answer without metadata.</summary>
    private static Action<SipResponse> WithSdp(string? sdp) => response =>
    {
        response.Headers.Set("Allow", RecorderUserAgent.Allow);

        // RFC 7866 §6.1.2: the SRS marks its Contact with +sip.srs; Supported says it speaks the extension.
        if (response.Headers.GetFirst(SipHeaderNames.Contact) is { } contact && !contact.Contains(SiprecRecognition.ServerFeatureTag, StringComparison.Ordinal))
        {
            response.Headers.Set(SipHeaderNames.Contact, contact + ";" + SiprecRecognition.ServerFeatureTag);
        }

        response.Headers.Set("Supported", "timer, " + SiprecRecognition.OptionTag);
        if (sdp is not null)
        {
            response.Headers.Set("Content-Type", "application/sdp");
            response.Body = Encoding.UTF8.GetBytes(sdp);
        }
    };
}
