using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Media.Srtp;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Wires an admitted recording dialog to the node: pairs it with its call (the node's own pairing: both legs of a CUCM
/// call come to the same trunk), binds an RTP port, answers or makes the SDP offer, opens or joins the recording (a
/// licensed channel) and starts the RTP receiver. Whatever fails on the way gives back what was taken before it.
/// </summary>
/// <remarks>
/// Nothing here waits on the cluster: the call grain learns of the leg afterwards (<see cref="RecordingCoordinator.ReportChanged"/>),
/// so a grain whose silo is frozen, partitioned or dying never delays or refuses a call.
/// </remarks>
internal sealed class LegSetup(
    RecorderSettings settings,
    CallRegistry registry,
    RecordingCoordinator coordinator,
    RtpPortAllocator ports,
    LicenseMonitor license,
    MediaMetrics mediaMetrics,
    RecorderMetrics metrics,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    RtpReceiveEngine? receiveEngine = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LegSetup>();

    public async Task<LegSetupResult> SetUpAsync(LegRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (dialog, role, metadata, pairingKey, offer, _, _) = request;
        var channel = request.Channel ?? (int)role;
        var callId = dialog.CallId;
        var now = timeProvider.GetUtcNow();
        // Time-ordered (UUID v7) so ids sort by creation, 32 hex digits: safe in file names and URLs. Pair joins the
        // leg to its partner's recording when the partner is already here, and the fresh id is then unused.
        var recordingId = registry.Pair(pairingKey, channel, Guid.CreateVersion7().ToString("N"));

        // A leg refused from here on gives its channel back to the node's pairing (the grain never heard of it).
        void Withdraw() => registry.Unpair(pairingKey, channel, recordingId);

        if (!ports.TryBind(settings.SipListenAddress, out var socket, out var rtpPort) || socket is null)
        {
            Withdraw();
            return LegSetupResult.Refused(AdmissionDecision.Unavailable("No free RTP port"));
        }

        var sessionId = SessionIdFor(callId);
        var security = SecurityOf(dialog.Transport, settings);
        NegotiatedMedia? media = null;
        string localSdp;
        if (offer is not null)
        {
            if (!OfferAnswer.TryCreateAnswer(offer, settings.AdvertisedAddress, rtpPort, sessionId, security, out var answer, out media,
                    out var refusal) || answer is null)
            {
                ports.Release(rtpPort);
                socket.Dispose();
                Withdraw();
                // RFC 3261 §21.4.26: 488, with a Warning that names why: the crypto lines, SRTP over an insecure
                // transport, or what was offered and how to enable G.729 if that was it.
                return LegSetupResult.Refused(new AdmissionDecision(488, refusal ?? OfferAnswer.DescribeUnsupported(offer)));
            }

            localSdp = SdpWriter.Write(answer);
        }
        else
        {
            // CUCM's delayed offer (PROTOCOL.md §1.2): our offer goes in the 200 OK, its answer comes in the ACK.
            localSdp = SdpWriter.Write(OfferAnswer.CreateOffer(settings.AdvertisedAddress, rtpPort, sessionId, 1, security, settings.OfferedCodecs));
        }

        var opened = false;
        var recording = registry.GetOrOpen(recordingId, license.Channels, () =>
        {
            opened = true;
            var info = new RecordingInfo
            {
                RecordingId = recordingId,
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
            return LegSetupResult.Refused(AdmissionDecision.Busy("No licensed channel free"));
        }

        if (opened)
        {
            metrics.CallStarted();
            coordinator.Started(recording);
        }

        // Channels 2 and on (SIPREC streams beyond two) open their segment now: silent in the file before this moment.
        var sink = channel switch
        {
            0 => recording.Session.NearEnd,
            1 => recording.Session.FarEnd,
            _ => recording.Session.OpenChannel(channel, request.StreamLabel ?? channel.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (sink is null)
        {
            ports.Release(rtpPort);
            socket.Dispose();
            Withdraw();
            return LegSetupResult.Refused(AdmissionDecision.Busy("This stream of the call is already recorded"));
        }

        var receiver = new RtpLegReceiver(socket, sink, settings.Receiver, timeProvider, mediaMetrics,
            loggerFactory.CreateLogger<RtpLegReceiver>(), receiveEngine)
        {
            // The peer that sent the INVITE picks the rule for where its audio may come from (strict or latch).
            SourceRule = settings.MediaSources.RuleFor(dialog.Peer.Address),
        };
        var leg = new CallLeg(dialog, role, recording, rtpPort, receiver)
        {
            Channel = channel,
            StreamLabel = request.StreamLabel,
            LocalSdp = localSdp,
            AwaitingAnswer = offer is null,
            Media = media,
            Security = security,
        };
        if (!recording.TryAttach(leg) || !registry.TryAddLeg(leg))
        {
            await receiver.DisposeAsync();
            coordinator.ReleasePort(leg);
            return LegSetupResult.Refused(AdmissionDecision.Busy("This stream of the call is already recorded"));
        }

        if (media is not null)
        {
            receiver.Configure(media);

            // A call forked while on hold (a=inactive in the early offer) starts paused.
            leg.ApplyDirection(media.Direction, timeProvider);
        }

        receiver.Start();
        var signalling = SignallingTransportName(dialog.Transport);
        if (channel < 2)
        {
            // The info has a near and a far end; further channels' codecs are the session file's (RecordingChannel).
            recording.UpdateInfo(info => WithLeg(info, role, callId, media?.Codec, signalling, media?.Srtp?.Suite));
        }
        else if (media is not null)
        {
            recording.Session.SetChannelCodec(channel, media.Codec);
        }

        CallLog.LegAccepted(_logger, callId, role, recording.RecordingId, rtpPort);
        coordinator.ReportChanged(recording);
        return new LegSetupResult(leg, null);
    }

    /// <summary>
    /// The recording's info with the leg's Call-ID, codec, signalling transport (null: unchanged) and SRTP suite (null:
    /// plain RTP; kept as it was when no codec is given) on its side.
    /// </summary>
    public static RecordingInfo WithLeg(RecordingInfo info, LegRole role, string callId, AudioCodec? codec,
        string? signallingTransport = null, SrtpSuite? srtp = null)
    {
        var suite = srtp is { } s ? SrtpSuites.Name(s) : null;
        return role == LegRole.NearEnd
            ? info with
            {
                NearEndCallId = callId,
                NearEndCodec = codec ?? info.NearEndCodec,
                NearEndSignallingTransport = signallingTransport ?? info.NearEndSignallingTransport,
                NearEndSrtpSuite = codec is null ? info.NearEndSrtpSuite : suite,
            }
            : info with
            {
                FarEndCallId = callId,
                FarEndCodec = codec ?? info.FarEndCodec,
                FarEndSignallingTransport = signallingTransport ?? info.FarEndSignallingTransport,
                FarEndSrtpSuite = codec is null ? info.FarEndSrtpSuite : suite,
            };
    }

    /// <summary>The manifest's name of a signalling transport: <c>udp</c>, <c>tcp</c>, <c>tls</c> (secure).</summary>
    public static string SignallingTransportName(SipTransportKind transport) => transport switch
    {
        SipTransportKind.Tls => "tls",
        SipTransportKind.Tcp => "tcp",
        _ => "udp",
    };

    /// <summary>
    /// What SRTP may do on a dialog: SDES keys travel in the SDP, so only SIP over TLS keeps them secret (RFC 4568 §8.3);
    /// over UDP or TCP they are accepted only when the operator allows it.
    /// </summary>
    public static MediaSecurity SecurityOf(SipTransportKind transport, RecorderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new MediaSecurity(transport == SipTransportKind.Tls, settings.AllowSrtpOverInsecureTransport);
    }

    /// <summary>A stable o= session id per dialog (RFC 4566 §5.2 only asks for uniqueness).</summary>
    public static long SessionIdFor(string callId) => (long)(unchecked((uint)StringComparer.Ordinal.GetHashCode(callId)) & 0x7FFFFFFF) + 1;
}
