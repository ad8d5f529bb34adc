using System.Globalization;
using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Srtp;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// The recorder's side of the SDP offer/answer model (RFC 3264). The recorder only receives: it offers and answers
/// <c>recvonly</c>, and accepts exactly one audio stream per leg in one codec it can decode (PCMU, PCMA, G.722, Opus, and
/// G.729 when libbcg729 is installed).
/// </summary>
/// <remarks>
/// Delayed offer (CUCM's default, PROTOCOL.md §1.2): INVITE without SDP → <see cref="CreateOffer"/> in the 200 OK →
/// <c>TryReadAnswer</c> on the ACK's SDP. Early offer: INVITE with SDP → <c>TryCreateAnswer</c>.
/// </remarks>
internal static class OfferAnswer
{
    public const int TelephoneEventPayloadType = 101;

    /// <summary>The dynamic payload type we give Opus in our offer (RFC 7587 §7: Opus has no static one).</summary>
    public const int OpusPayloadType = 111;

    /// <summary>RFC 7587 §7: the media subtype, always with a 48000 clock and 2 channels in SDP.</summary>
    private const string OpusEncodingName = "opus";

    private const int OpusClockRate = 48000;

    private const string AudioMediaType = "audio";
    private const string RtpAvpProtocol = "RTP/AVP";
    private const string RtpSavpProtocol = "RTP/SAVP";

    /// <summary>The Warning text of a 488 for SDES keys that came over UDP or TCP.</summary>
    public const string InsecureSrtpRefusal = "SRTP offered over an insecure transport: its keys travel in clear (use SIP over TLS)";
    private const string TelephoneEventName = "telephone-event";
    private const string OriginUserName = "OrleansRecorder";
    private const int RtpClockRate = 8000;

    /// <summary>
    /// Our offer for a delayed-offer INVITE: <paramref name="codecs"/> in that order (default: every codec this node
    /// decodes, G.711 first; one we cannot decode is left out), then telephone-event, 20 ms, <c>recvonly</c>.
    /// </summary>
    /// <remarks>
    /// On a secure dialog (<see cref="MediaSecurity.SecureSignalling"/>) the m-line is <c>RTP/SAVP</c> with one crypto
    /// line per suite we support, tags 1 to 4 in <see cref="SrtpSuites.All"/> order, each with a fresh key of ours
    /// (RFC 4568 §7.1.1); the peer's answer picks one and carries its own key.
    /// </remarks>
    public static SessionDescription CreateOffer(IPAddress localAddress, int rtpPort, long sessionId, long sessionVersion,
        MediaSecurity? security = null, IReadOnlyList<AudioCodec>? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rtpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rtpPort, 65535);

        var formats = new List<string>();
        var rtpMaps = new List<RtpMapAttribute>();
        var fmtps = new List<FormatParametersAttribute>();
        foreach (var codec in codecs ?? AudioDecoders.Available())
        {
            if (!AudioDecoders.IsAvailable(codec) || rtpMaps.Exists(m => m.PayloadType == OfferedPayloadType(codec)))
            {
                continue;
            }

            var payloadType = OfferedPayloadType(codec);
            formats.Add(payloadType.ToString(CultureInfo.InvariantCulture));
            rtpMaps.Add(RtpMapFor(codec, payloadType));
            if (codec == AudioCodec.G729)
            {
                // RFC 4856 §2.1.9: Annex B (VAD/DTX with SID frames) is welcome; we decode it.
                fmtps.Add(new FormatParametersAttribute(payloadType, "annexb=yes"));
            }
            else if (codec == AudioCodec.Opus)
            {
                // RFC 7587 §6.1: as the receiver we ask for in-band FEC; DTX is the sender's choice and we handle it.
                fmtps.Add(new FormatParametersAttribute(payloadType, "useinbandfec=1"));
            }
        }

        formats.Add(TelephoneEventPayloadType.ToString(CultureInfo.InvariantCulture));
        rtpMaps.Add(new RtpMapAttribute(TelephoneEventPayloadType, TelephoneEventName, RtpClockRate));
        fmtps.Add(new FormatParametersAttribute(TelephoneEventPayloadType, "0-15"));

        var media = new MediaDescription
        {
            MediaType = AudioMediaType,
            Port = rtpPort,
            Protocol = security?.SecureSignalling == true ? RtpSavpProtocol : RtpAvpProtocol,
            Formats = formats,
            RtpMaps = rtpMaps,
            FormatParameters = fmtps,
            PacketTimeMs = 20,
            Direction = MediaDirection.RecvOnly,
            Attributes = security?.SecureSignalling == true ? OfferedCryptoLines() : [],
        };

        return new SessionDescription
        {
            Origin = CreateOrigin(localAddress, sessionId, sessionVersion),
            SessionName = "-",
            Connection = SdpConnection.FromAddress(localAddress),
            Media = [media],
        };
    }

    /// <summary>
    /// Reads the peer's answer to <see cref="CreateOffer"/> (CUCM's ACK): the first audio m-line, its first payload type
    /// we decode, telephone-event if present, and the remote RTP address (media-level <c>c=</c>, else session-level).
    /// </summary>
    /// <returns>false when there is no audio m-line, it is rejected (port 0) or it names no codec we decode.</returns>
    public static bool TryReadAnswer(SessionDescription answer, out NegotiatedMedia? media) =>
        TryReadAnswer(answer, MediaSecurity.Insecure, out media, out _);

    /// <summary>
    /// <see cref="TryReadAnswer(SessionDescription, out NegotiatedMedia?)"/> with SRTP: an <c>RTP/SAVP</c> answer must
    /// carry one usable crypto line whose tag is one of our offer's, with that line's suite (RFC 4568 §7.1.2); its key
    /// is the peer's, the one that protects what it sends us.
    /// </summary>
    /// <remarks>When it returns false, <c>problem</c> says why: <c>no-codec</c>, <c>bad-crypto</c> or <c>insecure-srtp</c>.</remarks>
    public static bool TryReadAnswer(SessionDescription answer, MediaSecurity security, out NegotiatedMedia? media, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(security);
        media = null;
        problem = "no-codec";

        foreach (var description in answer.Media)
        {
            if (!IsAudio(description))
            {
                continue;
            }

            // Only the first audio m-line counts: it is the answer to our single audio offer (RFC 3264 §6: same order).
            if (description.Port == 0 || !TrySelectCodec(description, out var codec, out var payloadType))
            {
                return false;
            }

            SrtpMasterKey? srtp = null;
            if (IsSecureProfile(description))
            {
                if (!security.MayAcceptSrtp)
                {
                    problem = "insecure-srtp";
                    return false;
                }

                if (!TryReadAnsweredCrypto(description, out srtp))
                {
                    problem = "bad-crypto";
                    return false;
                }
            }

            problem = null;
            media = new NegotiatedMedia(
                codec,
                payloadType,
                FindTelephoneEvent(description),
                RemoteEndPoint(answer, description),
                description.PacketTimeMs,
                answer.EffectiveDirection(description))
            {
                Srtp = srtp,
            };
            return true;
        }

        return false;
    }

    /// <summary>
    /// The media of our own offer for <paramref name="payloadType"/>, for a leg whose answer never arrived (its ACK was
    /// lost, or overtaken by the BYE) while its peer's RTP did. RFC 3264 §5.1: once it has sent the offer, the offerer
    /// must be prepared to receive media in any format the offer lists; the payload type numbers are our offer's, so
    /// they say the codec. No source is declared (the receiver latches on the first), and the direction is the peer's
    /// assumed <c>sendonly</c> (it sent).
    /// </summary>
    /// <returns>false when the offer has no audio m-line, does not list <paramref name="payloadType"/> with a codec we
    /// decode, or is <c>RTP/SAVP</c> (the key that protects the peer's packets comes only in its answer).</returns>
    public static bool TryReadOwnOffer(SessionDescription offer, int payloadType, out NegotiatedMedia? media)
    {
        ArgumentNullException.ThrowIfNull(offer);
        media = null;
        var description = offer.Media.FirstOrDefault(IsAudio);
        if (description is null || description.Port == 0 || IsSecureProfile(description)
            || !description.PayloadTypes.Contains(payloadType) || !TryGetCodec(description, payloadType, out var codec))
        {
            return false;
        }

        media = new NegotiatedMedia(codec, payloadType, FindTelephoneEvent(description), null, description.PacketTimeMs, MediaDirection.SendOnly);
        return true;
    }

    /// <summary>
    /// Answers an early offer (INVITE with SDP): accepts the first audio m-line that is plain RTP/AVP with a codec we decode,
    /// choosing the offer's most preferred such codec plus telephone-event if offered; every other m-line is rejected with
    /// port 0 (RFC 3264 §6). The answer is <c>recvonly</c>, or <c>inactive</c> when the offer is <c>recvonly</c> or
    /// <c>inactive</c> (RFC 3264 §6.1).
    /// </summary>
    /// <remarks><paramref name="sessionVersion"/> is the <c>o=</c> version; increment it for each new answer in the same dialog (RFC 3264 §8).</remarks>
    /// <returns>false when no audio m-line has a codec we decode: the caller answers 488.</returns>
    public static bool TryCreateAnswer(
        SessionDescription offer,
        IPAddress localAddress,
        int rtpPort,
        long sessionId,
        out SessionDescription? answer,
        out NegotiatedMedia? media,
        long sessionVersion = 1) =>
        TryCreateAnswer(offer, localAddress, rtpPort, sessionId, MediaSecurity.Insecure, out answer, out media, out _, sessionVersion);

    /// <summary>
    /// <see cref="TryCreateAnswer(SessionDescription, IPAddress, int, long, out SessionDescription?, out NegotiatedMedia?, long)"/>
    /// with SRTP: an <c>RTP/SAVP</c> audio m-line is accepted when <paramref name="security"/> allows it, with the first
    /// crypto line (in the offer's order) of a suite we support; the answer carries the same tag and suite with a fresh
    /// key of ours (RFC 4568 §7.1.1), and the offer's key (the one the peer sends with) goes to the receiver.
    /// A malformed crypto line refuses the whole offer.
    /// </summary>
    /// <remarks>When it returns false, <c>refusal</c> is the reason for the 488's Warning.</remarks>
    public static bool TryCreateAnswer(
        SessionDescription offer,
        IPAddress localAddress,
        int rtpPort,
        long sessionId,
        MediaSecurity security,
        out SessionDescription? answer,
        out NegotiatedMedia? media,
        out string? refusal,
        long sessionVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(security);
        refusal = null;
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rtpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rtpPort, 65535);
        answer = null;
        media = null;

        var answered = new List<MediaDescription>(offer.Media.Count);
        foreach (var offered in offer.Media)
        {
            if (media is null
                && IsAudio(offered)
                && offered.Port != 0
                && (offered.Protocol.Equals(RtpAvpProtocol, StringComparison.OrdinalIgnoreCase) || IsSecureProfile(offered))
                && TrySelectCodec(offered, out var codec, out var payloadType))
            {
                SrtpMasterKey? peerKey = null;
                SdpAttribute? ourCrypto = null;
                if (IsSecureProfile(offered))
                {
                    if (!security.MayAcceptSrtp)
                    {
                        refusal = InsecureSrtpRefusal;
                        answered.Add(CreateRejectedMedia(offered));
                        continue;
                    }

                    var chosen = ChooseOfferedCrypto(offered, out var problem);
                    if (problem is not null)
                    {
                        refusal = problem;
                        return false;
                    }

                    if (chosen is null)
                    {
                        refusal ??= "No SRTP crypto suite of the offer is supported";
                        answered.Add(CreateRejectedMedia(offered));
                        continue;
                    }

                    peerKey = chosen.Key;
                    ourCrypto = new SdpAttribute(CryptoAttribute.AttributeName, CryptoAttribute.Format(chosen.Tag, CryptoAttribute.NewKey(chosen.Key!.Suite)));
                }

                var offeredDirection = offer.EffectiveDirection(offered);
                var telephoneEvent = FindTelephoneEvent(offered);
                media = new NegotiatedMedia(
                    codec,
                    payloadType,
                    telephoneEvent,
                    RemoteEndPoint(offer, offered),
                    offered.PacketTimeMs,
                    offeredDirection)
                {
                    Srtp = peerKey,
                };
                answered.Add(CreateAcceptedMedia(offered, rtpPort, codec, payloadType, telephoneEvent, offeredDirection, ourCrypto));
            }
            else
            {
                answered.Add(CreateRejectedMedia(offered));
            }
        }

        if (media is null)
        {
            // No SRTP reason: the offer named no codec we decode; say which it offered and what we take.
            refusal ??= DescribeUnsupported(offer);
            return false;
        }

        answer = new SessionDescription
        {
            Origin = CreateOrigin(localAddress, sessionId, sessionVersion),
            SessionName = "-",
            Connection = SdpConnection.FromAddress(localAddress),

            // RFC 3264 §6: the t= line of the answer must equal the offer's.
            Timings = offer.Timings,
            Media = answered,
        };
        return true;
    }

    private static MediaDescription CreateAcceptedMedia(
        MediaDescription offered,
        int rtpPort,
        AudioCodec codec,
        int payloadType,
        int? telephoneEvent,
        MediaDirection offeredDirection,
        SdpAttribute? crypto)
    {
        var rtpMaps = new List<RtpMapAttribute>(2) { RtpMapFor(codec, payloadType) };
        var formats = new List<string>(2) { payloadType.ToString(CultureInfo.InvariantCulture) };
        var fmtps = new List<FormatParametersAttribute>(2);
        if (codec == AudioCodec.G729 && offered.FindFormatParameters(payloadType) is { } annexB)
        {
            // RFC 4856 §2.1.9: echo the offer's Annex B choice; we decode either.
            fmtps.Add(new FormatParametersAttribute(payloadType, annexB));
        }
        else if (codec == AudioCodec.Opus)
        {
            fmtps.Add(new FormatParametersAttribute(payloadType, "useinbandfec=1"));
        }
        if (telephoneEvent is { } eventPayloadType)
        {
            // RFC 3264 §6.1: the answer uses the payload type numbers of the offer.
            formats.Add(eventPayloadType.ToString(CultureInfo.InvariantCulture));
            var offeredMap = offered.FindRtpMap(eventPayloadType);
            rtpMaps.Add(new RtpMapAttribute(eventPayloadType, TelephoneEventName, offeredMap?.ClockRate ?? RtpClockRate));
            fmtps.Add(new FormatParametersAttribute(eventPayloadType, offered.FindFormatParameters(eventPayloadType) ?? "0-15"));
        }

        var direction = AnswerDirection(offeredDirection);

        return new MediaDescription
        {
            MediaType = offered.MediaType,
            Port = rtpPort,
            Protocol = offered.Protocol,
            Formats = formats,
            RtpMaps = rtpMaps,
            FormatParameters = fmtps,
            Direction = direction,
            Attributes = crypto is null ? [] : [crypto],
        };
    }

    /// <summary>RFC 3711 §1 / RFC 4568: <c>RTP/SAVP</c> (and <c>RTP/SAVPF</c>) streams are SRTP.</summary>
    private static bool IsSecureProfile(MediaDescription media) =>
        media.Protocol.Equals(RtpSavpProtocol, StringComparison.OrdinalIgnoreCase)
        || media.Protocol.Equals("RTP/SAVPF", StringComparison.OrdinalIgnoreCase);

    /// <summary>Our offer's crypto lines: tag n is <see cref="SrtpSuites.All"/>[n − 1], each with a fresh key.</summary>
    private static List<SdpAttribute> OfferedCryptoLines()
    {
        var lines = new List<SdpAttribute>(SrtpSuites.All.Count);
        for (var i = 0; i < SrtpSuites.All.Count; i++)
        {
            lines.Add(new SdpAttribute(CryptoAttribute.AttributeName, CryptoAttribute.Format(i + 1, CryptoAttribute.NewKey(SrtpSuites.All[i]))));
        }

        return lines;
    }

    /// <summary>
    /// RFC 4568 §7.1.2: the first usable crypto line in the offer's order (the offerer's preference). Lines with an
    /// unknown suite or parameters we do not implement are skipped; a malformed line sets <paramref name="problem"/>.
    /// </summary>
    private static CryptoAttribute? ChooseOfferedCrypto(MediaDescription offered, out string? problem)
    {
        problem = null;
        CryptoAttribute? chosen = null;
        foreach (var attribute in offered.Attributes)
        {
            if (!attribute.Name.Equals(CryptoAttribute.AttributeName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var crypto = CryptoAttribute.Parse(attribute.Value ?? "");
            if (crypto.Status == CryptoAttributeStatus.Malformed)
            {
                problem = $"Malformed a=crypto: {crypto.Problem}";
                return null;
            }

            if (chosen is null && crypto.Status == CryptoAttributeStatus.Usable)
            {
                chosen = crypto;
            }
        }

        return chosen;
    }

    /// <summary>
    /// RFC 4568 §7.1.2 (offerer's side): the answer has exactly one crypto line, whose tag names one of our lines and
    /// whose suite is that line's; its key is what the peer protects its stream with.
    /// </summary>
    private static bool TryReadAnsweredCrypto(MediaDescription answered, out SrtpMasterKey? key)
    {
        key = null;
        foreach (var attribute in answered.Attributes)
        {
            if (!attribute.Name.Equals(CryptoAttribute.AttributeName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var crypto = CryptoAttribute.Parse(attribute.Value ?? "");
            if (key is not null
                || crypto.Status != CryptoAttributeStatus.Usable
                || crypto.Tag < 1
                || crypto.Tag > SrtpSuites.All.Count
                || SrtpSuites.All[(int)crypto.Tag - 1] != crypto.Key!.Suite)
            {
                key = null;
                return false;
            }

            key = crypto.Key;
        }

        return key is not null;
    }

    /// <summary>
    /// The direction of our answer to an offered stream (RFC 3264 §6.1), for a recorder that only receives:
    /// sendonly or sendrecv → <c>recvonly</c>; recvonly or inactive (a hold: CUCM sends nothing) → <c>inactive</c>.
    /// </summary>
    public static MediaDirection AnswerDirection(MediaDirection offered) =>
        offered is MediaDirection.RecvOnly or MediaDirection.Inactive ? MediaDirection.Inactive : MediaDirection.RecvOnly;

    /// <summary>RFC 3264 §6: a rejected stream keeps its media type, protocol and at least one format, with port 0.</summary>
    internal static MediaDescription CreateRejectedMedia(MediaDescription offered) => new()
    {
        MediaType = offered.MediaType,
        Port = 0,
        Protocol = offered.Protocol,
        Formats = offered.Formats.Count > 0 ? offered.Formats : ["0"],
    };

    /// <summary>The first payload type in the m-line's preference order that is a codec we decode.</summary>
    private static bool TrySelectCodec(MediaDescription media, out AudioCodec codec, out int payloadType)
    {
        foreach (var candidate in media.PayloadTypes)
        {
            if (TryGetCodec(media, candidate, out codec))
            {
                payloadType = candidate;
                return true;
            }
        }

        codec = default;
        payloadType = -1;
        return false;
    }

    private static bool TryGetCodec(MediaDescription media, int payloadType, out AudioCodec codec)
    {
        var rtpMap = media.FindRtpMap(payloadType);
        if (rtpMap is null)
        {
            // RFC 3551 Table 4: static payload types need no rtpmap.
            switch (payloadType)
            {
                case 18 when AudioDecoders.IsAvailable(AudioCodec.G729):
                    codec = AudioCodec.G729;
                    return true;
                case 0:
                    codec = AudioCodec.Pcmu;
                    return true;
                case 8:
                    codec = AudioCodec.Pcma;
                    return true;
                case 9:
                    codec = AudioCodec.G722;
                    return true;
                default:
                    codec = default;
                    return false;
            }
        }

        codec = default;
        if (rtpMap.EncodingName.Equals(OpusEncodingName, StringComparison.OrdinalIgnoreCase))
        {
            // RFC 7587 §7: opus/48000/2 always (the 2 does not mean the stream is stereo; we take 1 too).
            codec = AudioCodec.Opus;
            return rtpMap.ClockRate == OpusClockRate && rtpMap.Channels is null or 1 or 2;
        }

        if (rtpMap.ClockRate != RtpClockRate || rtpMap.Channels is > 1)
        {
            return false;
        }

        if (IsG729Name(rtpMap.EncodingName))
        {
            // RFC 3551 §4.5.6; Cisco also writes G729a/G729b. Decodable only with libbcg729.
            codec = AudioCodec.G729;
            return AudioDecoders.IsAvailable(AudioCodec.G729);
        }

        if (rtpMap.EncodingName.Equals("PCMU", StringComparison.OrdinalIgnoreCase))
        {
            codec = AudioCodec.Pcmu;
            return true;
        }

        if (rtpMap.EncodingName.Equals("PCMA", StringComparison.OrdinalIgnoreCase))
        {
            codec = AudioCodec.Pcma;
            return true;
        }

        if (rtpMap.EncodingName.Equals("G722", StringComparison.OrdinalIgnoreCase))
        {
            codec = AudioCodec.G722;
            return true;
        }

        return false;
    }

    private static int? FindTelephoneEvent(MediaDescription media)
    {
        foreach (var payloadType in media.PayloadTypes)
        {
            var rtpMap = media.FindRtpMap(payloadType);
            if (rtpMap is not null && rtpMap.EncodingName.Equals(TelephoneEventName, StringComparison.OrdinalIgnoreCase))
            {
                return payloadType;
            }
        }

        return null;
    }

    private static IPEndPoint? RemoteEndPoint(SessionDescription sdp, MediaDescription media)
    {
        var address = sdp.EffectiveConnection(media)?.TryGetIPAddress();
        if (address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || media.Port == 0)
        {
            return null;
        }

        return new IPEndPoint(address, media.Port);
    }

    private static bool IsAudio(MediaDescription media) =>
        media.MediaType.Equals(AudioMediaType, StringComparison.OrdinalIgnoreCase);

    private static string EncodingName(AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => "PCMU",
        AudioCodec.Pcma => "PCMA",
        AudioCodec.G722 => "G722",
        AudioCodec.G729 => "G729",
        AudioCodec.Opus => OpusEncodingName,
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "unknown codec"),
    };

    /// <summary>The rtpmap of a codec: RFC 3551 names at 8000 (G.722 included, §4.5.2), Opus as opus/48000/2 (RFC 7587 §7).</summary>
    private static RtpMapAttribute RtpMapFor(AudioCodec codec, int payloadType) => codec == AudioCodec.Opus
        ? new RtpMapAttribute(payloadType, OpusEncodingName, OpusClockRate, 2)
        : new RtpMapAttribute(payloadType, EncodingName(codec), RtpClockRate);

    /// <summary>RFC 3551 static payload types, and ours for Opus.</summary>
    private static int OfferedPayloadType(AudioCodec codec) => codec == AudioCodec.Opus ? OpusPayloadType : (int)codec;

    private static bool IsG729Name(string name) =>
        name.Equals("G729", StringComparison.OrdinalIgnoreCase)
        || name.Equals("G729a", StringComparison.OrdinalIgnoreCase)
        || name.Equals("G729b", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Why an early offer has no codec we decode, for the 488's Warning and the log: the codecs it named, and how to enable
    /// G.729 when that is what it wanted (RFC 3261 §21.4.26, §20.43).
    /// </summary>
    public static string DescribeUnsupported(SessionDescription offer) => DescribeUnsupported(offer, AudioDecoders.IsAvailable(AudioCodec.G729));

    /// <summary><see cref="DescribeUnsupported(SessionDescription)"/> as if G.729 were (not) available: the Warning without libbcg729.</summary>
    internal static string DescribeUnsupported(SessionDescription offer, bool g729Available)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var names = new List<string>();
        var wantsG729 = false;
        foreach (var media in offer.Media)
        {
            if (!IsAudio(media))
            {
                continue;
            }

            foreach (var payloadType in media.PayloadTypes)
            {
                var name = media.FindRtpMap(payloadType)?.EncodingName ?? StaticName(payloadType);
                if (name.Equals(TelephoneEventName, StringComparison.OrdinalIgnoreCase) || name.Equals("CN", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                wantsG729 |= IsG729Name(name);
                if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(name);
                }
            }
        }

        var decoded = string.Join(", ", AudioDecoders.Available().Select(EncodingName));
        var reason = $"No codec of the offer is supported (offered {(names.Count == 0 ? "none" : string.Join(", ", names))}; this node decodes {decoded})";
        return wantsG729 && !g729Available
            ? $"{reason}; G.729 is not enabled: {Bcg729Library.InstallHint}"
            : reason;
    }

    private static string StaticName(int payloadType) => payloadType switch
    {
        0 => "PCMU",
        3 => "GSM",
        4 => "G723",
        8 => "PCMA",
        9 => "G722",
        13 => "CN",
        18 => "G729",
        _ => payloadType.ToString(CultureInfo.InvariantCulture),
    };

    private static SdpOrigin CreateOrigin(IPAddress localAddress, long sessionId, long sessionVersion) => new(
        OriginUserName,
        sessionId.ToString(CultureInfo.InvariantCulture),
        sessionVersion.ToString(CultureInfo.InvariantCulture),
        "IN",
        SdpFormatting.AddressType(localAddress),
        SdpFormatting.Address(localAddress));
}
