namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>
/// Places a grain on an active silo other than the one that first calls it (when there is one), chosen by the grain's
/// key among the others: a call grain lives away from the node that records the call, so it outlives that node's
/// death and can tell the cluster the call was cut.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("peer-node-placement")]
public sealed class PeerNodePlacement : PlacementStrategy;
