namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One finalization queued for <see cref="FinalizeWorkers"/>: the work, its caller's completion, and whether a worker
/// took it. Only a queued item can be cancelled: one already running finishes (its own token stops it), so its caller
/// never goes on while the finalizer still uses the segments.
/// </summary>
internal sealed class FinalizeWork(Func<Task> work)
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;

    /// <summary>Completes (result, exception or cancellation) when the work has; continuations never run on the worker.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Func<Task> Work { get; } = work;

    /// <summary>A worker takes the item: false when it was cancelled while queued (skip it).</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>The caller gave up while the item was still queued: it is not run.</summary>
    public void CancelIfQueued(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            Done.TrySetCanceled(cancellationToken);
        }
    }
}
