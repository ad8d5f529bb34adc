using System.Runtime;

namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>This process's garbage collector, as <see cref="BackgroundCollectorKeepAlive"/> needs it.</summary>
internal sealed class RuntimeBackgroundCollector : IBackgroundCollector
{
    /// <remarks>
    /// With one CPU in its affinity the runtime runs the workstation collector whatever the runtime configuration asks
    /// for (the web SDK asks for the server one), so this is decided at run time, not from the project file.
    /// <see cref="GCLatencyMode.Batch"/> is the mode of a collector with concurrent collections off.
    /// </remarks>
    public bool DropsIdleThread => !GCSettings.IsServerGC && GCSettings.LatencyMode != GCLatencyMode.Batch;

    public long LastBackgroundCollection => GC.GetGCMemoryInfo(GCKind.Background).Index;

    public void StartBackgroundCollection() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false, compacting: false);
}
