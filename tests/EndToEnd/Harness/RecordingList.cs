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
    System.Text.Json.JsonElement? Manifest)
{
    /// <summary>SHA-256 of the audio the API serves: the manifest's plaintext hash when stored encrypted (docs/ENCRYPTION.md).</summary>
    public string ServedSha256() => Encryption is { } e ? e.GetProperty("plainSha256").GetString()! : Sha256;

    /// <summary>Size of the audio the API serves (the plaintext's when stored encrypted).</summary>
    public long ServedSizeBytes() => Encryption is { } e ? e.GetProperty("plainSizeBytes").GetInt64() : SizeBytes;

    private System.Text.Json.JsonElement? Encryption =>
        (Manifest ?? throw new InvalidOperationException($"Recording {Id}: read it from /api/recordings/{{id}} to have its manifest."))
            .TryGetProperty("encryption", out var encryption) && encryption.ValueKind == System.Text.Json.JsonValueKind.Object ? encryption : null;
}

/// <summary>A recording's place in its CUCM call and its holds, as a client reads them from the same JSON.</summary>
public sealed record RecordingGroupView(string Id, string? Refci, string? GroupId, int Part, int Parts, List<PauseView> Pauses, List<PartView>? GroupParts);

public sealed record RecordingGroupListView(List<RecordingGroupView> Items, long Total);

public sealed record PauseView(string Leg, string Reason, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? OffsetSeconds, double? DurationSeconds);

public sealed record PartView(string Id, int Part, DateTimeOffset StartedAt, DateTimeOffset EndedAt, double DurationSeconds, string Status,
    double? GapBeforeSeconds, List<PauseView> Pauses);

public sealed record CallGroupView(string GroupId, string? Refci, DateTimeOffset StartedAt, DateTimeOffset EndedAt, List<PartView> Parts);
