using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>A catalog row as maintenance sees it: the manifest plus the catalog's own columns.</summary>
/// <param name="Manifest">The manifest as added.</param>
/// <param name="Sequence">Insertion order, assigned once when the recording was first added (export checkpoint key).</param>
/// <param name="Preserved">Kept by the purge whatever its age.</param>
internal sealed record CatalogEntry(RecordingManifest Manifest, long Sequence, bool Preserved);
