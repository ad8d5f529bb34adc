using System.Globalization;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Puts back the threads that inherited the finalize workers' nice value. A thread starts with the nice value of the
/// thread that made it (clone(2)), and .NET starts a thread-pool worker on whichever thread queues work while no
/// worker is idle (idle ones end after 20 s), such as a finalize worker's async file read: that pool thread would then
/// run calls' set-up at the finalizers' low priority for as long as it lives. Every few seconds this looks at the
/// process's threads (<c>/proc/self/task</c>) and sets each one, other than the workers, that has exactly the workers'
/// value back to the process's own (the main thread's).
/// </summary>
/// <remarks>
/// Lowering a nice value needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd: <c>LimitNICE=+0</c>, which
/// allows nothing above normal priority; infra/systemd sets it). Without either the threads stay as they are and a
/// warning says so, once.
/// </remarks>
internal sealed class NiceInheritanceRepair(int inheritedNice, Func<int, bool> isWorker, ILogger logger)
{
    private readonly int? _processNice = ThreadNice.Read(Environment.ProcessId);
    private int _refusalReported;

    /// <summary>Threads put back so far.</summary>
    public int Repaired { get; private set; }

    /// <summary>One pass over the process's threads; returns how many were put back and how many could not be.</summary>
    public (int Repaired, int Refused) RepairNow()
    {
        if (_processNice is not { } normal || normal == inheritedNice)
        {
            return (0, 0);
        }

        int repaired = 0, refused = 0;
        string? refusal = null;
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories("/proc/self/task");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }

        foreach (var task in tasks)
        {
            if (!int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)
                || isWorker(tid) || ThreadNice.Read(tid) != inheritedNice)
            {
                continue;
            }

            if (ThreadNice.TrySet(tid, normal) is { } problem)
            {
                refused++;
                refusal = problem;
            }
            else
            {
                repaired++;
            }
        }

        Repaired += repaired;
        if (repaired > 0)
        {
            RecordingLog.InheritedNiceRepaired(logger, repaired, inheritedNice, normal);
        }

        if (refused > 0 && Interlocked.Exchange(ref _refusalReported, 1) == 0)
        {
            RecordingLog.InheritedNiceNotRepaired(logger, refused, inheritedNice, refusal!);
        }

        return (repaired, refused);
    }
}
