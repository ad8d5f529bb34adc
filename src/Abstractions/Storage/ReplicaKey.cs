using System.Globalization;

namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// What names a recording in every store: its id, the UTC day it started (the folder) and its audio format (the
/// extension). Node-local stores and the shared store use the same relative names (ARCHITECTURE.md, storage layout):
/// <c>recordings/{yyyy}/{MM}/{dd}/{id}.{format}</c> and <c>…/{id}.json</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("replica-key")]
public sealed record ReplicaKey(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] string Format)
{
    /// <summary><c>recordings/{yyyy}/{MM}/{dd}</c>, dated by the UTC start of the call, '/'-separated.</summary>
    public string Folder => "recordings/" + StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);

    /// <summary>The audio's relative name, e.g. <c>recordings/2026/01/31/{id}.opus</c>.</summary>
    public string AudioName => $"{Folder}/{Id}.{Format}";

    /// <summary>The manifest's relative name, <c>recordings/…/{id}.json</c>.</summary>
    public string ManifestName => $"{Folder}/{Id}.json";
}
