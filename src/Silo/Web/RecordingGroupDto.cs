namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/recordings/groups/{groupId}</c>: one CUCM call's recordings in order, with the gaps and pauses.</summary>
/// <param name="GroupId">The id of the call's first recording.</param>
/// <param name="Refci">CUCM's refci of the call.</param>
/// <param name="StartedAt">Start of the first part.</param>
/// <param name="EndedAt">End of the last part.</param>
/// <param name="Parts">The parts the caller may see, in start order.</param>
internal sealed record RecordingGroupDto(
    string GroupId,
    string? Refci,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<RecordingPartDto> Parts);
