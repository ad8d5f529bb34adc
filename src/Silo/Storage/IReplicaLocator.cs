using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>Where a recording's copies are, for <c>RecordingDto.Replicas</c>.</summary>
internal interface IReplicaLocator
{
    /// <summary>The names of the active nodes holding the recording (sorted), then <c>shared</c> when the shared store has it.</summary>
    Task<IReadOnlyList<string>> LocateAsync(RecordingManifest manifest, CancellationToken cancellationToken);
}
