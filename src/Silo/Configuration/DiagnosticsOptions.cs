namespace OrleansRecorder.Silo.Configuration;

/// <summary>The <c>Recorder:Diagnostics</c> section: what <c>GET /api/diagnostics</c> may cost the node.</summary>
internal sealed class DiagnosticsOptions
{
    /// <summary>
    /// Least time between two forced full collections (<c>?collect=true</c>). Each one is a blocking, compacting gen-2
    /// collection twice over, a pause that lands on RTP reception; 30 s keeps a soak's sampling (one every 30 s or more)
    /// and makes 50 requests in a row cost one collection, not 100. Zero turns the limit off (the flood test measures
    /// the heap before and after 12 s).
    /// </summary>
    public TimeSpan ForcedCollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With the workstation collector (one CPU), a background collection is started when none has ended for this long,
    /// so the collector's background thread (ended by the runtime after 20 s idle) is there for the next burst and its
    /// first full collection does not stop the node for 100–200 ms (<see cref="Diagnostics.BackgroundCollectorKeepAlive"/>).
    /// Zero turns it off.
    /// </summary>
    public TimeSpan BackgroundCollectorKeepAlive { get; set; } = TimeSpan.FromSeconds(12);
}
