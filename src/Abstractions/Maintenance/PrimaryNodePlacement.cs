namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>
/// Places a grain on the active silo whose metadata says <c>recorder.role = primary</c>, else on a backup, else on any
/// compatible silo, deterministically (lowest address first). The director lives in the silo
/// (<c>PrimaryNodePlacementDirector</c>); this type only names the strategy and must keep its name unique.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("primary-node-placement")]
public sealed class PrimaryNodePlacement : PlacementStrategy;
