namespace OrleansRecorder.Silo.Media;

/// <summary>Counters of one leg's RTP stream, as reported when the leg ends and stored in the manifest.</summary>
public sealed record RtpLegStats
{
    public long PacketsReceived { get; init; }
    public long PacketsLost { get; init; }
    public long PacketsDuplicate { get; init; }
    public long PacketsReordered { get; init; }
    public long PacketsLate { get; init; }
    public long PacketsWrongSource { get; init; }
    public long PacketsMalformed { get; init; }
    public long PacketsUnknownPayloadType { get; init; }
    public long PacketsHeldOverflow { get; init; }
    public long TelephoneEvents { get; init; }
    public long ComfortNoisePackets { get; init; }
    public long SsrcChanges { get; init; }
    public long Gaps { get; init; }
    public long GapSamples { get; init; }
    public long SamplesWritten { get; init; }
}
