using System.Globalization;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The concurrent calls this node records before it sends new ones to the backup (ARCHITECTURE.md, failover policy:
/// "node near its measured capacity": 503 + Retry-After, calls in progress keep their quality).
/// <c>Recorder:Sip:CallCapacity</c>; unset, <see cref="DefaultPerProcessor"/> for each processor the process may use.
/// </summary>
/// <remarks>
/// Why a count when <see cref="OverloadGuard"/> and <see cref="SetupAdmission"/> already shed: those see a node that
/// is behind now. A burst of set-ups is cheap while its calls are young, so a core takes 300 new calls a second without
/// falling behind and is still taking them when it holds three times the calls it can keep recording; every one then
/// costs the core its packets, and in Ogg Opus its encoding, for as long as it lasts (PERFORMANCE.md, "The call
/// capacity": 1,500 calls up on one core, set-up p99 78-354 ms; capped at 500, 14-26 ms and the rest refused in
/// 0.2 ms). Counting the calls turns the excess away while the node is still quick to answer, which is when CUCM's
/// route list can still place it on the backup.
/// </remarks>
internal sealed class CallCapacity(int maxCalls, Func<int> activeCalls)
{
    /// <summary>
    /// Calls per processor when unset: one core's sustained capacity in the default format (Ogg Opus, 500 calls renewed
    /// for 10 minutes with every packet received, PERFORMANCE.md). WAV costs less to keep (1,600 calls received on one
    /// core); a node recording WAV may be given more.
    /// </summary>
    public const int DefaultPerProcessor = 500;

    /// <summary>The cap; 0 when off.</summary>
    public int MaxCalls => maxCalls;

    /// <summary>The capacity of a node with <paramref name="processors"/> processors when the setting is left out.</summary>
    public static int DefaultFor(int processors) => DefaultPerProcessor * Math.Max(1, processors);

    /// <summary>
    /// The refusal of a new call while the calls recorded here (<c>activeCalls</c>, asked only when the cap is on) and
    /// <paramref name="callsBeingSetUp"/> more admitted and not yet answered reach the cap, or null to take it.
    /// </summary>
    public AdmissionDecision? Check(int callsBeingSetUp)
    {
        if (maxCalls <= 0)
        {
            return null;
        }

        var active = activeCalls();
        return active + callsBeingSetUp < maxCalls
            ? null
            : AdmissionDecision.Unavailable(string.Create(CultureInfo.InvariantCulture,
                $"At capacity: {active} calls recorded, {callsBeingSetUp} being set up (limit {maxCalls})"));
    }
}
