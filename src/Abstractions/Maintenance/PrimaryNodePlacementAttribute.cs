using Orleans.Placement;

namespace OrleansRecorder.Abstractions.Maintenance;

/// <summary>Marks a grain class for <see cref="PrimaryNodePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PrimaryNodePlacementAttribute() : PlacementAttribute(new PrimaryNodePlacement());
