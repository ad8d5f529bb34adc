using Orleans.Placement;

namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>Marks a grain class placed by <see cref="PeerNodePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PeerNodePlacementAttribute() : PlacementAttribute(new PeerNodePlacement());
