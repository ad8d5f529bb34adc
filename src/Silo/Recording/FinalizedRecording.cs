namespace OrleansRecorder.Silo.Recording;

/// <summary>A recording written to <c>recordings/{yyyy}/{MM}/{dd}/</c>: audio and manifest.</summary>
internal sealed record FinalizedRecording(string RecordingId, string AudioPath, string ManifestPath, RecordingManifest Manifest);
