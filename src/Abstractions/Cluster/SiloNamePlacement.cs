namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>Places a grain on the active silo whose name is the grain's key (ORLEANS.md §1.2).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("silo-name-placement")]
public sealed class SiloNamePlacement : PlacementStrategy;
