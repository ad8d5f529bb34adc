namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One round of forcing the segments of calls in progress onto the disk (what an operating-system crash may lose is
/// bounded by <see cref="RecordingOptions.SyncInterval"/>). On Linux one <c>syncfs</c> of the segments' filesystem does
/// it for every leg at once; when that fails, the round falls back to an <c>fsync</c> per leg, which finds and fails
/// the leg whose writes were lost, as before.
/// </summary>
/// <remarks>
/// Why not an fsync per leg every round: each costs a journal commit and a cache flush of the device. 200 calls (400
/// legs) every 5 s spent 12.5 % of the node's CPU in them (a profile of the 200-call capacity step; PERFORMANCE.md);
/// 1,600 calls would ask the disk for 640 flushes a second. The pages written are the same either way.
/// </remarks>
internal sealed class SegmentSync
{
    private const int ErrorInvalid = 22;

    private readonly string _segmentsRoot;
    private readonly Func<string, int>? _syncFileSystem;
    private readonly ILogger _logger;
    private bool _fileSystemSyncOff;
    private long _fileSystemRounds;
    private long _perLegRounds;

    /// <param name="segmentsRoot">The folder every call's segment folder is in (one filesystem).</param>
    /// <param name="syncFileSystem">Syncs the filesystem holding a folder, returning 0 or an errno; null: an fsync per leg always.</param>
    /// <param name="logger">Where a failed sync is reported.</param>
    public SegmentSync(string segmentsRoot, Func<string, int>? syncFileSystem, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(segmentsRoot);
        ArgumentNullException.ThrowIfNull(logger);
        _segmentsRoot = segmentsRoot;
        _syncFileSystem = syncFileSystem;
        _logger = logger;
    }

    /// <summary>Rounds done with one filesystem sync.</summary>
    public long FileSystemRounds => Interlocked.Read(ref _fileSystemRounds);

    /// <summary>Rounds done with an fsync per leg (no filesystem sync here, or it failed).</summary>
    public long PerLegRounds => Interlocked.Read(ref _perLegRounds);

    /// <summary>Syncs the segments of <paramref name="sessions"/>; nothing when there are none.</summary>
    public void Run(IReadOnlyCollection<RecordingSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return;
        }

        if (_syncFileSystem is not null && !_fileSystemSyncOff)
        {
            var error = _syncFileSystem(_segmentsRoot);
            if (error == 0)
            {
                Interlocked.Increment(ref _fileSystemRounds);
                return;
            }

            // No such call here (ENOSYS), or a filesystem that does not do it (EINVAL): not worth asking again. Any other
            // error (EIO: a write was lost) is a round's: its legs are synced one by one to find which.
            _fileSystemSyncOff = error is Linux.FileSystemSync.ErrorNotImplemented or ErrorInvalid;
            RecordingLog.FileSystemSyncFailed(_logger, _segmentsRoot, error, _fileSystemSyncOff ? "; from now on always" : "");
        }

        foreach (var session in sessions)
        {
            try
            {
                session.SyncToDisk();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RecordingLog.SegmentSyncFailed(_logger, session.RecordingId, ex);
            }
        }

        Interlocked.Increment(ref _perLegRounds);
    }
}
