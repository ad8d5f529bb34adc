namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The garbage collector since start: collections per generation, the time the process was paused by them and the
/// share of wall time that is, and which collector runs (server or workstation, concurrent or not). A recorder whose
/// pauses grow is a recorder about to read RTP late.
/// </summary>
internal sealed record GcDto(
    bool Server,
    bool Concurrent,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double PausedMilliseconds,
    double PausedPercent,
    long AllocatedBytes);
