namespace OrleansRecorder.Abstractions;

/// <summary>Marker for the contracts assembly (grain interfaces and serializable records).</summary>
public static class AbstractionsAssembly;
