namespace OrleansRecorder.Silo.Siprec;

/// <summary>A participant as the manifest keeps it: who, which channel carries their voice, when they joined and left.</summary>
internal sealed record SiprecParticipantEntry
{
    public required string Id { get; init; }

    public string? Aor { get; init; }

    public string? Name { get; init; }

    /// <summary>The number (user part of the AOR), what the recording search matches.</summary>
    public string? Number { get; init; }

    /// <summary>0-based channel of the recording with this participant's stream (0 = left), null when none is recorded.</summary>
    public int? Channel { get; init; }

    /// <summary>The <c>a=label</c> of the stream the participant sends, null when none.</summary>
    public string? Label { get; init; }

    public DateTimeOffset? JoinedAt { get; init; }

    public DateTimeOffset? LeftAt { get; init; }
}
