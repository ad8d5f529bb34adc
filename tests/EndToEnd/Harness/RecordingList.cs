namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>The REST list shape, as a client reads it (deliberately not the server's types).</summary>
public sealed record RecordingList(List<RecordingView> Items, long Total);

public sealed record PartyView(string? Number, string? Device);

public sealed record RecordingView(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    PartyView NearEnd,
    PartyView FarEnd,
    string? Refci,
    string? Profile,
    string? Codec,
    string Format,
    long SizeBytes,
    string Sha256,
    string RecordedBy,
    List<string> Replicas,
    string Status,
    List<string> Flags,
    System.Text.Json.JsonElement? Manifest);
