namespace OrleansRecorder.Silo.Storage;

/// <summary>The <c>Recorder:Replication</c> section.</summary>
internal sealed class ReplicationOptions
{
    public const string SectionName = "Recorder:Replication";

    /// <summary>
    /// Cap on catch-up traffic (pushes, pulls and uploads of older recordings), bytes per second; 0 = unlimited.
    /// Live replication of a recording just finalized is not limited: its rate is bounded by the call rate itself.
    /// </summary>
    public long BytesPerSecond { get; set; }

    /// <summary>
    /// How often the service checks whether a catch-up pass is owed (a copy failed, a store was unreachable, the live
    /// queue overflowed) and runs one if so; passes also run at start and when a node joins.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A pass over the whole catalog even when nothing is owed: the safety net for what no event reports (a blob deleted
    /// by hand from the shared store, say). A pass reads every store's inventory and walks every catalog row.
    /// </summary>
    public TimeSpan FullReconcileInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>First retry delay of a failed live replication; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Live retries before a recording is left to the next reconcile pass.</summary>
    public int MaxLiveAttempts { get; set; } = 10;

    /// <summary>
    /// Recordings replicated live at the same time. Each copy is a few round trips (the shared store: exists, upload,
    /// check, manifest upload, check), so one at a time capped a node at about 14 recordings a second against a fresh
    /// Azurite here (20 with 8 at once; PERFORMANCE.md), far below what a node records at its set-up capacity.
    /// </summary>
    public int LiveConcurrency { get; set; } = 8;

    /// <summary>Recordings waiting for live replication; beyond this they are left to catch-up (the call path never waits).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Time limit of a question to a peer (inventory, has) before it counts as unreachable.</summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// In-call replication: how often the segments of each call in progress are copied to a peer (what they gained
    /// since the last round). A node killed mid-call loses at most about this plus the recording's flush interval.
    /// </summary>
    public TimeSpan LiveSegmentInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Peers that hold a copy of each call in progress (0 turns in-call replication off).</summary>
    public int LiveSegmentCopies { get; set; } = 1;
}
