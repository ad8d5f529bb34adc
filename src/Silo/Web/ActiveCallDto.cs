namespace OrleansRecorder.Silo.Web;

/// <summary>A call being recorded now.</summary>
internal sealed record ActiveCallDto(
    string RecordingId, DateTimeOffset StartedAt, PartyDto NearEnd, PartyDto FarEnd, string? Refci, string Node, IReadOnlyList<string> Legs);
