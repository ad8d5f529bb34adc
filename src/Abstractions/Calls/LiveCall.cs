namespace OrleansRecorder.Abstractions.Calls;

/// <summary>A recorded call as its recording node last reported it to the call grain.</summary>
/// <param name="RecordingId">The recording the call is written into (the grain's key).</param>
/// <param name="PairingKey">The key that paired its legs on the node (<see cref="CallKeys.ForMetadata"/>).</param>
/// <param name="Node">The node that records it (where its sockets and segments are).</param>
/// <param name="Metadata">Parties and devices from CUCM, merged over the call's UPDATEs.</param>
/// <param name="StartedAt">When the first leg was offered.</param>
/// <param name="NearEnd">The near-end leg, null until it came.</param>
/// <param name="FarEnd">The far-end leg, null until it came.</param>
/// <param name="State">Recording, paused, held or ended.</param>
/// <param name="Flags">Flags so far (e.g. a leg that recorded nothing).</param>
/// <param name="Version">Grows with every report of the call from its node; the grain keeps the highest.</param>
/// <param name="ReportedAt">When the node built this report.</param>
/// <param name="Status">How the recording ended, once it did.</param>
[GenerateSerializer, Immutable, Alias("live-call")]
public sealed record LiveCall(
    [property: Id(0)] string RecordingId,
    [property: Id(1)] string PairingKey,
    [property: Id(2)] string Node,
    [property: Id(3)] CucmMetadata Metadata,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] LiveLeg? NearEnd,
    [property: Id(6)] LiveLeg? FarEnd,
    [property: Id(7)] LiveCallState State,
    [property: Id(8)] IReadOnlyList<string> Flags,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset ReportedAt,
    [property: Id(11)] RecordingStatus? Status = null);
