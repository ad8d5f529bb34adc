using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Web;

/// <summary>A recording as the REST API shows it (ARCHITECTURE.md, "REST API").</summary>
internal sealed record RecordingDto(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    PartyDto NearEnd,
    PartyDto FarEnd,
    string? Refci,
    string? Profile,
    string? Codec,
    string Format,
    long SizeBytes,
    string Sha256,
    string RecordedBy,
    IReadOnlyList<string> Replicas,
    string Status,
    IReadOnlyList<string> Flags,
    RecordingManifest? Manifest)
{
    /// <summary>The REST shape; <paramref name="withManifest"/> adds the whole manifest (per-leg codec, first packet, packet statistics, gaps).</summary>
    public static RecordingDto From(RecordingManifest manifest, bool withManifest = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var codec = manifest.NearEnd.Codec ?? manifest.FarEnd.Codec;
        return new RecordingDto(
            manifest.Id,
            manifest.StartedAt,
            manifest.EndedAt,
            manifest.DurationSeconds,
            new PartyDto(manifest.NearEnd.Number, manifest.NearEnd.Device),
            new PartyDto(manifest.FarEnd.Number, manifest.FarEnd.Device),
            manifest.RefCi,
            manifest.Profile,
            codec?.ToString().ToUpperInvariant(),
            manifest.Format,
            manifest.SizeBytes,
            manifest.Sha256,
            manifest.RecordedBy,
            // Where it was recorded; the endpoints replace this with the replica locator's answer (nodes and "shared").
            [manifest.RecordedBy],
            manifest.Status.ToString().ToLowerInvariant(),
            manifest.Flags,
            withManifest ? manifest : null);
    }
}
