using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls.Reporting;

/// <summary>
/// The reporting state of one call on its node: whether a newer state waits to be sent, whether a send is under way
/// (at most one per call, so reports reach the grain in order and a slow grain costs one pending call, not a queue).
/// </summary>
internal sealed class ReportedCall(ActiveRecording recording)
{
    private int _dirty;
    private int _sending;
    private long _lastReportedTicks;

    public ActiveRecording Recording { get; } = recording;

    /// <summary>Grows with each report built; the grain keeps the highest it saw.</summary>
    public long Version { get; set; }

    /// <summary>Set once the recording ended: the next report is the last.</summary>
    public RecordingStatus? Status { get; set; }

    /// <summary>When reports began to fail without one succeeding since; null while they succeed.</summary>
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>
    /// When the latest report was built (or the call was first tracked): the periodic refresh counts from it. Kept as UTC
    /// ticks in one word, because the send writes it and the refresh timer reads it on other threads.
    /// </summary>
    public DateTimeOffset LastReportedAt
    {
        get => new(Volatile.Read(ref _lastReportedTicks), TimeSpan.Zero);
        set => Volatile.Write(ref _lastReportedTicks, value.UtcTicks);
    }

    /// <summary>
    /// Whether the periodic refresh owes this call a report at <paramref name="now"/>: still open, not failing (its retry
    /// loop has it) and its latest report at least <paramref name="interval"/> old. Counting from each call's own last
    /// report, not from a shared tick, keeps the calls of a burst apart in time.
    /// </summary>
    public bool IsDueForRefresh(DateTimeOffset now, TimeSpan interval) =>
        Status is null && FailingSince is null && now - LastReportedAt >= interval;

    /// <summary>Marks a newer state; true when the caller must start a send (none is under way).</summary>
    public bool MarkDirty()
    {
        Volatile.Write(ref _dirty, 1);
        return Interlocked.CompareExchange(ref _sending, 1, 0) == 0;
    }

    /// <summary>Marks a newer state for the send under way (a retry) without claiming the send.</summary>
    public void MarkDirtyOnly() => Volatile.Write(ref _dirty, 1);

    /// <summary>Takes the pending change, if any.</summary>
    public bool TakeDirty() => Interlocked.Exchange(ref _dirty, 0) == 1;

    /// <summary>
    /// Ends the send; true when a change came in meanwhile and this caller won the right to send it (the loop goes on).
    /// </summary>
    public bool FinishSending()
    {
        Volatile.Write(ref _sending, 0);
        return Volatile.Read(ref _dirty) == 1 && Interlocked.CompareExchange(ref _sending, 1, 0) == 0;
    }
}
