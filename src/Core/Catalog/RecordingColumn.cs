using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>A column of <c>Recordings</c> taken from the manifest each time a recording is added (see <see cref="RecordingColumns"/>).</summary>
/// <param name="Name">The column, as in the migrations.</param>
/// <param name="Type">How its value is stored (<see cref="CatalogDialect"/>).</param>
/// <param name="Value">Its value for a manifest; null is SQL NULL.</param>
internal sealed record RecordingColumn(string Name, CatalogType Type, Func<RecordingManifest, object?> Value);
