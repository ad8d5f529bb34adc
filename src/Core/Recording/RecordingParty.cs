using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>One leg of a recording as described in the manifest.</summary>
internal sealed record RecordingParty
{
    /// <summary>Directory number (CUCM <c>x-nearendaddr</c> / <c>x-farendaddr</c>).</summary>
    public string? Number { get; init; }

    /// <summary>Device name (CUCM <c>x-nearenddevice</c> / <c>x-farenddevice</c>).</summary>
    public string? Device { get; init; }

    public AudioCodec? Codec { get; init; }

    /// <summary>
    /// The SIP transport of the dialog that carried this leg: <c>udp</c>, <c>tcp</c> or <c>tls</c>; <c>tls</c> means the
    /// leg was received over secure signalling. Null in manifests written before it was recorded.
    /// </summary>
    public string? SignallingTransport { get; init; }

    /// <summary>The SRTP suite the leg was received with (RFC 4568 name, e.g. AES_CM_128_HMAC_SHA1_80); null for plain RTP.</summary>
    public string? SrtpSuite { get; init; }

    /// <summary>SIP Call-ID of the recording dialog that carried this leg.</summary>
    public string? CallId { get; init; }

    /// <summary>Arrival of the leg's first RTP packet (UTC); null when no audio arrived.</summary>
    public DateTimeOffset? FirstPacketAt { get; init; }

    /// <summary>Silence inserted before the leg's first sample to align it with the other leg.</summary>
    public long LeadingSilenceSamples { get; init; }

    /// <summary>Samples of the leg itself (at the recording's rate), without the leading silence.</summary>
    public long Samples { get; init; }

    /// <summary>The rate the leg was decoded at (8000, or 16000 for G.722 and Opus); below the recording's rate it was upsampled.</summary>
    public int SampleRate { get; init; } = 8000;

    /// <summary>A channel beyond the near and far end: its 0-based place in the file (null for those two).</summary>
    public int? Channel { get; init; }

    /// <summary>A SIPREC stream's <c>a=label</c> (only on channels beyond the near and far end).</summary>
    public string? Label { get; init; }

    /// <summary>RTP counters (gaps, loss, ...), null when unknown (recovered after a crash).</summary>
    public RtpLegStats? Stats { get; init; }
}
