using System.Text.Json;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// The columns of <c>Recordings</c> that index the manifest: written when a recording is added and replaced when it
/// is added again. The manifest JSON is the stored truth; these exist to filter and sort.
/// </summary>
/// <remarks>
/// To index something more of the manifest: add its column in a new migration for each database
/// (<c>infra/sql/{sqlite,postgres}/migrations/</c>) and one line here; <see cref="DbRecordingCatalog.AddAsync(RecordingManifest, CancellationToken)"/> writes it.
/// The columns the catalog assigns itself (<c>id</c>, <c>seq</c>, <c>group_id</c>, <c>preserved</c>) are not here.
/// </remarks>
internal static class RecordingColumns
{
    public static IReadOnlyList<RecordingColumn> FromManifest { get; } =
    [
        new("started_at", CatalogType.Time, m => m.StartedAt),
        new("ended_at", CatalogType.Time, m => m.EndedAt),
        new("near_number", CatalogType.Text, m => m.NearEnd.Number),
        new("near_device", CatalogType.Text, m => m.NearEnd.Device),
        new("far_number", CatalogType.Text, m => m.FarEnd.Number),
        new("far_device", CatalogType.Text, m => m.FarEnd.Device),
        new("refci", CatalogType.Text, m => m.RefCi),
        new("status", CatalogType.Text, m => StatusText(m.Status)),
        new("recorded_by", CatalogType.Text, m => m.RecordedBy),
        new("sha256", CatalogType.Text, m => m.Sha256),
        new("size_bytes", CatalogType.Integer, m => m.SizeBytes),
        new("manifest", CatalogType.Json, m => JsonSerializer.Serialize(m, RecordingJsonContext.Default.RecordingManifest)),
        new("call_key", CatalogType.Text, RecordingGroups.CallKey),
        new("problems", CatalogType.Text, RecordingProblems.Of),
    ];

    /// <summary>The stored text of a status (the <c>status</c> column and its filter).</summary>
    public static string StatusText(RecordingStatus status) => status switch
    {
        RecordingStatus.Complete => "complete",
        RecordingStatus.Partial => "partial",
        RecordingStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
