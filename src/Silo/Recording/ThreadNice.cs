using System.Globalization;
using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// The Linux nice value of the calling thread. Under the kernel's fair scheduler (CFS, EEVDF) a nice value belongs to
/// the thread (the TID), not to the process, so one thread can yield the CPU to the others of its own process: at nice
/// 10 a thread that competes with one busy thread of nice 0 gets about 10 % of the core (weights 110 against 1024),
/// never nothing, and a thread with nothing to compete with gets the whole core. setpriority(2), sched(7).
/// </summary>
/// <remarks>
/// Why hand-written: .NET's <see cref="Thread.Priority"/> is ignored on Linux (the runtime maps it to
/// <c>pthread_setschedparam</c> under SCHED_OTHER, whose only static priority is 0: measured, a thread set to
/// <see cref="ThreadPriority.Lowest"/> keeps nice 0 in <c>/proc/self/task/{tid}/stat</c>, see ThreadNiceTests), and the
/// two libc calls needed are declared here as <see cref="Media.Rtp.Linux.LinuxUdp"/> declares its own rather than
/// through a package of bindings. A thread made by a niced thread inherits its nice value: see
/// <see cref="FinalizeWorkers"/> for what that means for the thread pool.
/// </remarks>
internal static partial class ThreadNice
{
    /// <summary>The lowest priority (largest nice value) Linux has.</summary>
    public const int Lowest = 19;

    private const int PriorityProcess = 0;

    /// <summary>setpriority and per-thread nice values: Linux only.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The kernel's id of the calling thread (what <c>/proc/self/task</c> lists).</summary>
    public static int CurrentThreadId() => IsSupported ? GetThreadId() : 0;

    /// <summary>
    /// Sets the calling thread's nice value; null on success, else why not (not Linux, or the errno). Raising it needs
    /// no privilege; lowering it again needs CAP_SYS_NICE or an RLIMIT_NICE that allows it.
    /// </summary>
    public static string? TrySetCurrent(int nice) => IsSupported ? TrySet(GetThreadId(), nice) : TrySet(0, nice);

    /// <summary>As <see cref="TrySetCurrent"/>, for thread <paramref name="threadId"/> of this process.</summary>
    public static string? TrySet(int threadId, int nice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nice, -20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, Lowest);
        if (!IsSupported)
        {
            return $"per-thread nice values need Linux ({RuntimeInformation.OSDescription})";
        }

        return SetPriority(PriorityProcess, threadId, nice) == 0
            ? null
            : $"setpriority failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
    }

    /// <summary>
    /// The nice value of thread <paramref name="threadId"/> of this process as the kernel reports it (field 19 of
    /// <c>/proc/self/task/{tid}/stat</c>, proc(5)); null when it cannot be read.
    /// </summary>
    public static int? Read(int threadId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/self/task/{threadId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Field 2 (comm) is in parentheses and may hold spaces: count from after its closing one, which is field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        const int niceAfterComm = 19 - 3;
        return fields.Length > niceAfterComm && int.TryParse(fields[niceAfterComm], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nice)
            ? nice
            : null;
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
