using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Codecs;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Calls;

/// <summary>Settings derived once at start-up from <see cref="Configuration.RecorderOptions"/> for the call path.</summary>
internal sealed record RecorderSettings(
    string NodeName,
    string NodeRole,
    IPAddress SipListenAddress,
    IPAddress AdvertisedAddress,
    TrustedPeers TrustedPeers,
    RecordingUsers Users,
    int RetryAfterSeconds,
    TimeSpan MaxInviteQueueDelay,
    int MaxInvitesInProgress,
    TimeSpan MediaTimeout,
    RecordingOptions Recording,
    RtpReceiverOptions Receiver,
    TimeSpan DrainTimeout)
{
    /// <summary>The RTP source rule per SIP peer (<c>Recorder:Rtp:SourceRule</c>, <c>Recorder:Rtp:LatchPeers</c>).</summary>
    public MediaSourcePolicy MediaSources { get; init; } = MediaSourcePolicy.Strict;

    /// <summary>Concurrent calls recorded before new ones get 503 (<c>Recorder:Sip:CallCapacity</c>, resolved); 0: no cap.</summary>
    public int CallCapacity { get; init; }

    /// <summary>Only INVITEs received over TLS are taken (<c>Recorder:Sip:RequireSecure</c>); others get 403.</summary>
    public bool RequireSecure { get; init; }

    /// <summary><c>Recorder:Sip:AllowSrtpOverInsecureTransport</c>: accept SDES keys that came over UDP or TCP.</summary>
    public bool AllowSrtpOverInsecureTransport { get; init; }

    /// <summary>Our delayed offer's codecs, in order (<c>Recorder:Rtp:OfferedCodecs</c>; default every codec decoded here).</summary>
    public IReadOnlyList<AudioCodec> OfferedCodecs { get; init; } = AudioDecoders.Available();

    /// <summary>Configured offer entries left out, with the reason (logged at start-up, shown in the diagnostics).</summary>
    public IReadOnlyList<string> OfferedCodecsLeftOut { get; init; } = [];
}
