namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The .NET thread pool since start: its threads now, the workers it keeps ready (<see cref="Hosting.ThreadPoolFloor"/>),
/// work items waiting and done, and how many times an idle worker spins for work before it blocks
/// (<see cref="SpinLimit"/>: 0 as the node ships, null when the runtime's default applies). A worker spinning on one
/// core burns it on <c>sched_yield</c> between a recorder's small bursts of work.
/// </summary>
internal sealed record ThreadPoolDto(int Threads, int MinWorkerThreads, long PendingWorkItems, long CompletedWorkItems, int? SpinLimit)
{
    /// <summary>The runtimeconfig.json property (or DOTNET_ThreadPool_UnfairSemaphoreSpinLimit) that sets the spinning.</summary>
    public const string SpinLimitProperty = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    public static ThreadPoolDto Now()
    {
        // The environment variable wins over runtimeconfig.json, as in the runtime.
        var configured = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")
            ?? AppContext.GetData(SpinLimitProperty)?.ToString();
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        return new ThreadPoolDto(
            ThreadPool.ThreadCount,
            minWorkers,
            ThreadPool.PendingWorkItemCount,
            ThreadPool.CompletedWorkItemCount,
            int.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var limit) ? limit : null);
    }
}
