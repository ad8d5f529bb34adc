using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>One page of a catalog search, newest first; <paramref name="Total"/> counts every match of the filter.</summary>
internal sealed record RecordingPage(IReadOnlyList<RecordingManifest> Items, long Total);
