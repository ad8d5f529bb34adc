namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// Keeps at least <see cref="MinimumWorkers"/> thread-pool workers ready, whatever the cores. Some pool work still
/// blocks its thread for milliseconds: SQLite (Orleans' membership and reminder tables, the catalog) commits with an
/// fsync, and a call's set-up creates its folder and files. With the default minimum (one per core: one on a node
/// pinned to a core) one such item holds every INVITE queued behind it until the pool notices and adds a thread,
/// about half a second later.
/// </summary>
/// <remarks>
/// Measured (PERFORMANCE.md, "Thread-pool floor"): 200 new 1 s calls a second on one core, two interleaved runs each,
/// quiet machine: with the default 10–12 pool stalls of 683–859 ms per run, with 8 none and 2 of at most 256 ms; the
/// INVITE→200 p99 was 517 and 334 ms against 220 and 325 ms. Idle workers cost nothing with the pool's spinning off
/// (Silo.csproj).
/// </remarks>
internal static class ThreadPoolFloor
{
    public const int MinimumWorkers = 8;

    /// <summary>Raises the pool's minimum of worker threads to <see cref="MinimumWorkers"/>; a higher one stays.</summary>
    public static void Apply()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinimumWorkers)
        {
            ThreadPool.SetMinThreads(MinimumWorkers, completionPorts);
        }
    }
}
