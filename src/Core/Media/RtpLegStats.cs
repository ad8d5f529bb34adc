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
    /// <summary>RFC 3389 CN packets and G.729 Annex B SID frames: the sender said it went quiet (not loss).</summary>
    public long ComfortNoisePackets { get; init; }

    /// <summary>Samples filled with comfort noise at the signalled level; not counted in <see cref="GapSamples"/>.</summary>
    public long ComfortNoiseSamples { get; init; }
    public long SsrcChanges { get; init; }
    public long Gaps { get; init; }
    public long GapSamples { get; init; }
    public long SamplesWritten { get; init; }

    /// <summary>SRTP packets dropped because their tag did not verify (forged, corrupted, wrong key) or their MKI was unknown.</summary>
    public long PacketsAuthFailed { get; init; }

    /// <summary>SRTP packets dropped as replays (RFC 3711 §3.3.2): received before, or older than the replay window.</summary>
    public long PacketsReplayed { get; init; }

    /// <summary>The SRTP suite the leg was received with (RFC 4568 name), null for plain RTP.</summary>
    public string? SrtpSuite { get; init; }

    /// <summary><c>strict</c> or <c>latch</c>: the rule the leg's source was judged by.</summary>
    public string? SourceRule { get; init; }

    /// <summary>The RTP address:port the SDP declared, if any.</summary>
    public string? DeclaredSource { get; init; }

    /// <summary>The source taken from the first stream (address:port under latch, address when the SDP named none).</summary>
    public string? LatchedSource { get; init; }

    /// <summary>The SSRC latched with <see cref="LatchedSource"/> (latch rule only).</summary>
    public uint? LatchedSsrc { get; init; }

    /// <summary>Where the first refused packet (<see cref="PacketsWrongSource"/>) came from, address:port.</summary>
    public string? RefusedSource { get; init; }
}
