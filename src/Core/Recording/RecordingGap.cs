namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One interval of a channel in which the recording holds no audio from its party, whatever the cause (issue #15's gap
/// ledger). Per channel, the audio received plus the ledger's gaps make the call's length exactly:
/// <c>party.Samples − (in-file gaps) + Σ gap.Samples = manifest.CallSamples</c>, counted at the recording's rate.
/// </summary>
/// <remarks>
/// Offsets are from the audio's first sample, like <see cref="RecordingPause.OffsetSeconds"/>. A gap before the audio
/// starts (the call was answered, no media yet) has a negative offset; one after the audio ends (the peer stopped
/// sending before the call ended) reaches past its end. The waveform draws the part inside the audio.
/// </remarks>
internal sealed record RecordingGap
{
    /// <summary>
    /// The party sent nothing and no packet was lost: the call was up and no packet had come yet, a leg that never sent,
    /// a sender silent without comfort noise, or the time after a leg's last packet.
    /// </summary>
    public const string NoMediaReason = "no-media";

    /// <summary>Packets that never came (or came too late to place): the receiver filled the time with silence.</summary>
    public const string PacketLossReason = "packet-loss";

    /// <summary>This leg's media started after the other's (its leading silence aligns the channels).</summary>
    public const string LateLegReason = "late-leg";

    /// <summary>The leg stopped sending and the media watchdog ended it.</summary>
    public const string MediaTimeoutReason = "media-timeout";

    /// <summary>The recording node died; a survivor or the node's own restart finalized what had been written.</summary>
    public const string NodeDeathReason = "node-death";

    /// <summary><c>nearEnd</c>, <c>farEnd</c> (as <see cref="RecordingPause.Leg"/>), or a SIPREC stream's label.</summary>
    public required string Leg { get; init; }

    /// <summary>The channel in the audio file (0 = left).</summary>
    public required int Channel { get; init; }

    /// <summary>
    /// <see cref="NoMediaReason"/>, <see cref="PacketLossReason"/>, <see cref="LateLegReason"/>,
    /// <see cref="MediaTimeoutReason"/>, <see cref="NodeDeathReason"/>, or a pause's reason
    /// (<see cref="RecordingPause.HoldReason"/>, <see cref="RecordingPause.OperatorReason"/>).
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>Start in seconds from the audio's first sample (rounded to the millisecond; see <see cref="StartSample"/>).</summary>
    public required double OffsetSeconds { get; init; }

    /// <summary>Length in seconds (rounded to the millisecond; see <see cref="Samples"/>).</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Exact start, in samples at the recording's rate from the audio's first sample.</summary>
    public required long StartSample { get; init; }

    /// <summary>Exact length in samples at the recording's rate.</summary>
    public required long Samples { get; init; }

    /// <summary>
    /// How many intervals this entry stands for: 1, except the last packet-loss entry of a channel whose short losses were
    /// too many to list one by one (<see cref="GapLedger.MaxListedPerChannel"/>): it sums the rest of its reason, placed at
    /// the first.
    /// </summary>
    public int Count { get; init; } = 1;
}
