namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Rounds of forcing the segments of calls in progress to disk since start (<see cref="Recording.SegmentSync"/>):
/// with one <c>syncfs</c> of their filesystem, and with an <c>fsync</c> per leg (not Linux, or the filesystem sync failed).
/// </summary>
internal sealed record SegmentSyncDto(long FileSystemRounds, long PerLegRounds);
