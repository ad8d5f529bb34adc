using Orleans.Placement;

namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>Marks a grain class whose key is a silo name and which must run on that silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloNamePlacementAttribute() : PlacementAttribute(new SiloNamePlacement());
