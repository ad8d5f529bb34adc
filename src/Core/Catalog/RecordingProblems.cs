using System.Text.Json;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// What is wrong with a recording, as the dashboard lists it: <c>gaps</c> (audio missing for another reason than a
/// hold or an operator's pause), <c>media-timeout</c> (a leg's RTP stopped), <c>no-media</c> (a leg recorded nothing).
/// Kept in the catalog's <c>problems</c> column (comma-separated, NULL when none) so the dashboard reads an index
/// instead of every manifest; migration 6 fills it with the same rules in SQL for rows added before it.
/// </summary>
internal static class RecordingProblems
{
    public const string Gaps = "gaps";
    public const string MediaTimeout = "media-timeout";
    public const string NoMedia = "no-media";

    public static IReadOnlyList<string> Kinds { get; } = [Gaps, MediaTimeout, NoMedia];

    /// <summary>The <c>problems</c> column of <paramref name="manifest"/>.</summary>
    public static string? Of(RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);

        // From the manifest's JSON: the gap ledger is a manifest part the catalog otherwise only stores.
        return Of(JsonSerializer.SerializeToElement(manifest, RecordingJsonContext.Default.RecordingManifest));
    }

    /// <summary>The <c>problems</c> column of a manifest's JSON (its <c>flags</c> and <c>gaps</c>).</summary>
    public static string? Of(JsonElement manifest)
    {
        var kinds = new List<string>(3);
        if (Array(manifest, "gaps").Any(g => !(g.ValueKind == JsonValueKind.Object && g.TryGetProperty("reason", out var r) && r.GetString() is "hold" or "operator")))
        {
            kinds.Add(Gaps);
        }

        var flags = Array(manifest, "flags").Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToList();
        if (flags.Exists(f => f.EndsWith(MediaTimeout, StringComparison.Ordinal)))
        {
            kinds.Add(MediaTimeout);
        }

        if (flags.Exists(f => f.EndsWith("no-audio", StringComparison.Ordinal) || f.EndsWith(NoMedia, StringComparison.Ordinal)))
        {
            kinds.Add(NoMedia);
        }

        return kinds.Count == 0 ? null : string.Join(',', kinds);
    }

    private static IEnumerable<JsonElement> Array(JsonElement json, string property) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];
}
