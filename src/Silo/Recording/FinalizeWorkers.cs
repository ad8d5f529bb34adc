using System.Collections.Concurrent;
using System.Globalization;
using Nito.AsyncEx;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Runs finalizations (merge, Opus encoding, hashing, manifest) on a few dedicated threads, off the thread pool, at
/// the CPU priority <c>Recorder:Recording:FinalizeNice</c> gives them: above 0, on a busy core the set-up of new calls
/// (INVITE to 200 OK, which CUCM waits for) goes first and the finalizations of ended calls (which nobody waits for)
/// catch up behind it.
/// </summary>
/// <remarks>
/// <para>Each worker runs one finalization at a time inside a single-threaded <see cref="AsyncContext"/>: the
/// finalizer's awaits (no <c>ConfigureAwait(false)</c> on that path) come back to the same low-priority thread, so
/// the CPU-heavy parts (reading and interleaving the segments, the Opus encoder, SHA-256, the manifest's signature)
/// run there. What a thread-pool thread still does for it is the file reads' system calls (.NET on Linux runs async
/// file I/O as pool work items) and the caller's continuation.</para>
/// <para>Never starved: the kernel's fair scheduler gives a niced thread a share of a busy core, not nothing (nice 10
/// against one busy thread of nice 0: about 10 %), and the whole core when nothing else runs. The backlog is bounded:
/// as many finalizations run at once as there are workers (half the cores, at least one: what a burst of hang-ups may
/// take from the RTP and SIP threads), the others wait here holding their recording's state and its closed-to-RTP
/// segment files, and above
/// <c>Recorder:Recording:MaxFinalizeBacklog</c> waiting ones the node refuses new calls with 503
/// (<see cref="OverloadReason"/>) until it has caught up.</para>
/// <para>A thread inherits the nice value of the thread that starts it, and .NET starts thread-pool threads on whichever
/// thread queues work when none is idle, a worker included: <see cref="NiceInheritanceRepair"/> puts such threads back
/// every <see cref="RepairInterval"/>.</para>
/// <para>Nothing is lost on a stop: the segments are deleted only by a finished finalization; one still queued when the
/// process exits leaves them for the next start's recovery, as before. A failure is the caller's exception; the
/// workers themselves never end on one.</para>
/// <para>Nice 0 (the default) runs the same workers at the process's priority. Never the thread pool: a finalization
/// blocks its thread in fsync several times, and a node pinned to one core has one pool thread until the pool notices
/// and adds another, so INVITEs queued behind it waited (thread-pool queue delays of 2–3 s in the 500-call sustained
/// run, 20 of 5,000 calls refused for it).</para>
/// </remarks>
internal sealed class FinalizeWorkers : IDisposable
{
    /// <summary>How often threads that inherited the workers' nice value are put back (<see cref="NiceInheritanceRepair"/>).</summary>
    private static readonly TimeSpan RepairInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, byte> _workerThreadIds = new();
    private readonly Timer? _repairTimer;
    private readonly BlockingCollection<FinalizeWork> _queue;
    private readonly int _maxBacklog;
    private readonly int _nice;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private int _pending;
    private int _priorityReported;
    private bool _disposed;

    /// <summary>
    /// <paramref name="threads"/> finalizations at once; <paramref name="nice"/> their threads' Linux nice value (0: the
    /// process's); above <paramref name="maxBacklog"/> pending ones (0: no limit) new calls are refused.
    /// </summary>
    public FinalizeWorkers(int threads, int nice, int maxBacklog, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nice);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, ThreadNice.Lowest);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBacklog);
        ArgumentNullException.ThrowIfNull(logger);
        Threads = threads;
        _nice = nice;
        _maxBacklog = maxBacklog;
        _logger = logger;
        _queue = new BlockingCollection<FinalizeWork>();
        if (nice > 0 && ThreadNice.IsSupported)
        {
            Repair = new NiceInheritanceRepair(nice, _workerThreadIds.ContainsKey, logger);
            _repairTimer = new Timer(_ => RepairInheritedNice(), null, RepairInterval, RepairInterval);
        }

        _running = threads;
        for (var i = 0; i < threads; i++)
        {
            // Background: a queued finalization never holds the process up; its segments wait for the next start.
            new Thread(Work) { IsBackground = true, Name = string.Create(CultureInfo.InvariantCulture, $"finalize-{i}") }.Start();
        }
    }

    /// <summary>The default number of workers: half the cores this process may use, at least one.</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Finalizations that may run at once.</summary>
    public int Threads { get; }

    /// <summary>Finalizations queued or running.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Puts back threads that inherited the workers' nice value; null with nice 0 or off Linux.</summary>
    public NiceInheritanceRepair? Repair { get; }

    /// <summary>Completes when every worker has ended after <see cref="Dispose"/>.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Why a new call is refused (too many finalizations waiting), or null.</summary>
    public string? OverloadReason
    {
        get
        {
            var pending = Pending;
            return _maxBacklog > 0 && pending > _maxBacklog
                ? string.Create(CultureInfo.InvariantCulture, $"Overloaded: {pending} recordings waiting to be finalized (limit {_maxBacklog})")
                : null;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker once one is free and returns its result or rethrows its exception.
    /// <paramref name="cancellationToken"/> cancels only the wait for a worker.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The node is stopping: nothing new is taken.</exception>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _pending);
        try
        {
            T result = default!;
            var item = new FinalizeWork(async () => result = await work());
            Enqueue(item);
            using (cancellationToken.Register(static (state, token) => ((FinalizeWork)state!).CancelIfQueued(token), item))
            {
                await item.Done.Task;
            }

            return result;
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private void Enqueue(FinalizeWork item)
    {
        try
        {
            _queue.Add(item);
        }
        catch (InvalidOperationException ex)
        {
            // Added after CompleteAdding: the node is stopping.
            throw new ObjectDisposedException(nameof(FinalizeWorkers), ex);
        }
    }

    /// <summary>Takes nothing new; what is queued still runs while the process lives.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _repairTimer?.Dispose();
        _queue.CompleteAdding();
    }

    private void RepairInheritedNice()
    {
        try
        {
            Repair?.RepairNow();
        }
        catch (Exception ex)
        {
            // A timer callback that throws ends the process; a failed pass only waits for the next.
            RecordingLog.InheritedNiceRepairFailed(_logger, ex);
        }
    }

    private void Work()
    {
        _workerThreadIds[ThreadNice.CurrentThreadId()] = 0;
        var problem = _nice > 0 ? ThreadNice.TrySetCurrent(_nice) : null;
        if (_nice > 0 && Interlocked.Exchange(ref _priorityReported, 1) == 0)
        {
            if (problem is null)
            {
                RecordingLog.FinalizeWorkersStarted(_logger, Threads, _nice);
            }
            else
            {
                RecordingLog.FinalizeWorkersAtNormalPriority(_logger, Threads, problem);
            }
        }

        try
        {
            foreach (var item in _queue.GetConsumingEnumerable())
            {
                Execute(item);
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _stopped.TrySetResult();
            }
        }
    }

    private void Execute(FinalizeWork item)
    {
        if (!item.TryTake())
        {
            return;
        }

        try
        {
            AsyncContext.Run(item.Work);
            item.Done.TrySetResult();
        }
        catch (OperationCanceledException ex)
        {
            item.Done.TrySetCanceled(ex.CancellationToken);
        }
        catch (Exception ex)
        {
            // The caller logs it (with its recording id); the worker goes on with the next one.
            item.Done.TrySetException(ex);
        }
    }
}
