using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>Where recordings' copies are, for <c>RecordingDto.Replicas</c>.</summary>
internal interface IReplicaLocator
{
    /// <summary>
    /// Per recording id: the active nodes holding it (sorted), then <c>shared</c> when the shared store has it; one
    /// catalog query for the whole list.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> LocateAsync(IReadOnlyCollection<RecordingManifest> manifests, CancellationToken cancellationToken);
}
