namespace OrleansRecorder.Silo.Storage;

/// <summary>A copy of another node's call in progress, as <see cref="FileLiveCopyStore"/> holds it.</summary>
/// <param name="RecordingId">The call's recording id.</param>
/// <param name="SourceNode">The node recording it.</param>
/// <param name="SourceSilo">That node's silo address (with generation) when it sent the copy.</param>
internal sealed record LiveCopy(string RecordingId, string SourceNode, string SourceSilo);
