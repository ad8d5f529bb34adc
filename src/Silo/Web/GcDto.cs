namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The garbage collector since start: collections per generation, the time the process was paused by them and the
/// share of wall time that is, and which collector runs (server or workstation, concurrent or not). A recorder whose
/// pauses grow is a recorder about to read RTP late. <c>KeepAliveCollections</c>: the background collections the node
/// started itself to keep the workstation collector's background thread alive (<c>BackgroundCollectorKeepAlive</c>);
/// null where that is off or not needed (the server collector).
/// </summary>
internal sealed record GcDto(
    bool Server,
    bool Concurrent,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double PausedMilliseconds,
    double PausedPercent,
    long AllocatedBytes,
    long? KeepAliveCollections);
