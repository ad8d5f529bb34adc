using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>What the transaction user knows of the call; persisted in <c>session.json</c> and the manifest.</summary>
internal sealed record RecordingInfo
{
    public required string RecordingId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public CucmMetadata Metadata { get; init; } = new();

    /// <summary>Name of the node that recorded the call.</summary>
    public required string RecordedBy { get; init; }

    public AudioCodec? NearEndCodec { get; init; }

    public AudioCodec? FarEndCodec { get; init; }

    /// <summary>The SRTP suite the near end's stream came with (RFC 4568 name), null when it was plain RTP.</summary>
    public string? NearEndSrtpSuite { get; init; }

    /// <summary>The SRTP suite of the far end's stream, null when plain RTP.</summary>
    public string? FarEndSrtpSuite { get; init; }

    public string? NearEndCallId { get; init; }

    public string? FarEndCallId { get; init; }

    /// <summary>The SIP transport the near-end leg's dialog came over: <c>udp</c>, <c>tcp</c> or <c>tls</c>.</summary>
    public string? NearEndSignallingTransport { get; init; }

    /// <summary>The SIP transport the far-end leg's dialog came over.</summary>
    public string? FarEndSignallingTransport { get; init; }

    /// <summary>A SIPREC recording session's participants and streams (RFC 7865); null for CUCM calls.</summary>
    public Siprec.SiprecRecordingInfo? Siprec { get; init; }
}
