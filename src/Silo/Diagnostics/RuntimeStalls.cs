namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// What kept this node from running on time (<see cref="RuntimeStallMonitor"/>): how long a thread-pool work item
/// waited for a thread (Orleans answers membership probes on the pool), how late a dedicated thread woke from a 100 ms
/// sleep (the process got no CPU, or a GC suspended it), and the GC pause within each 100 ms tick.
/// </summary>
internal sealed record RuntimeStalls(StallSummary ThreadPoolQueueDelay, StallSummary TimerLateness, StallSummary GcPause);
