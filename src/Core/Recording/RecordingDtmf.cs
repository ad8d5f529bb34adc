namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A telephone event (RFC 4733) a leg's peer sent: kept in <c>session.json</c> while recording and in the manifest,
/// never in the audio. Under <see cref="RecordingOptions.MaskDtmf"/> (PCI DSS) only the fact and the time are kept:
/// <see cref="Digit"/> is null from the moment it is received, so the digit never reaches the disk.
/// </summary>
internal sealed record RecordingDtmf
{
    /// <summary><c>nearEnd</c> or <c>farEnd</c>.</summary>
    public required string Leg { get; init; }

    /// <summary>0–9, <c>*</c>, <c>#</c>, A–D, or <c>event N</c> for another RFC 4733 event; null when masked.</summary>
    public string? Digit { get; init; }

    /// <summary>True when the digit was masked.</summary>
    public bool Masked { get; init; }

    /// <summary>Where the event began in its leg, in samples at the leg's rate.</summary>
    public long LegSampleOffset { get; init; }

    /// <summary>How long the key was held (RFC 4733 §2.5.1.3 duration), in milliseconds.</summary>
    public int DurationMilliseconds { get; init; }

    /// <summary>Where it begins in the recording's audio (seconds from its first sample); set when finalized.</summary>
    public double? OffsetSeconds { get; init; }

    /// <summary>RFC 4733 §3.2 Table 1: events 0–15 are the DTMF digits 0–9, *, #, A–D.</summary>
    public static string DigitOf(int eventCode) => eventCode switch
    {
        >= 0 and <= 9 => ((char)('0' + eventCode)).ToString(),
        10 => "*",
        11 => "#",
        >= 12 and <= 15 => ((char)('A' + eventCode - 12)).ToString(),
        _ => $"event {eventCode}",
    };
}
