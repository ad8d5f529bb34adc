namespace OrleansRecorder.Silo.Siprec;

/// <summary>A recorded stream in the manifest: its label, channel, and since when it is recorded (a re-INVITE may add it).</summary>
internal sealed record SiprecStreamEntry
{
    public required string Label { get; init; }

    /// <summary>0-based channel (0 = left), null when the stream was not recorded (answered with port 0).</summary>
    public int? Channel { get; init; }

    public string? ParticipantId { get; init; }

    public required DateTimeOffset AddedAt { get; init; }
}
