using System.Collections.Concurrent;
using System.Globalization;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Caps the new calls being set up at once, decided as each INVITE arrives (on the SIP receive thread), so an overloaded
/// node answers the excess 503 at once and CUCM records it on the backup (ARCHITECTURE.md, failover policy: "node near
/// its measured capacity").
/// </summary>
/// <remarks>
/// Why a count and not a time: by Little's law the set-ups waiting on a node are its set-up rate times their wait, so a
/// cap of N set-ups in progress bounds the wait at N divided by whatever rate the node manages, with no capacity figure
/// per machine, and it is known the moment an INVITE is read. The wait an INVITE had for a thread
/// (<see cref="OverloadGuard"/>) is known only once it has a thread: under saturation its 503 came seconds late
/// (PERFORMANCE.md, "Overload"). The node's <see cref="CallCapacity"/> is decided here too, for the same reason: a new
/// call over it is answered 503 as it is read. Both legs of a call get one answer: a leg whose call was admitted (or is
/// open here) is always taken, and one whose partner was refused is refused too, so no call is split across two nodes.
/// </remarks>
internal sealed class SetupAdmission(int maxInProgress, TimeProvider timeProvider, CallCapacity? capacity = null)
{
    /// <summary>How long a call's decision is kept for its other leg (CUCM sends the two INVITEs milliseconds apart).</summary>
    private static readonly TimeSpan DecisionMemory = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Decision> _decisions = new(StringComparer.Ordinal);
    private int _inProgress;
    private long _prunedAt;

    /// <summary>New calls' INVITEs admitted and not yet answered.</summary>
    public int InProgress => Volatile.Read(ref _inProgress);

    /// <summary>
    /// Admits the INVITE of call <paramref name="pairingKey"/> (counted until <see cref="SetupEnded"/>) or returns the
    /// refusal. <paramref name="joinsOpenRecording"/>: the call is already being recorded here.
    /// </summary>
    public AdmissionDecision? TryAdmit(string pairingKey, bool joinsOpenRecording)
    {
        if ((maxInProgress <= 0 && capacity is not { MaxCalls: > 0 }) || joinsOpenRecording)
        {
            Interlocked.Increment(ref _inProgress);
            return null;
        }

        var now = timeProvider.GetTimestamp();
        Prune(now);
        AdmissionDecision? refusal;
        if (_decisions.TryGetValue(pairingKey, out var earlier) && IsFresh(earlier, now))
        {
            // The other leg of a call decided moments ago: the same answer (a partner of an admitted leg may exceed the cap).
            refusal = earlier.Refusal;
            if (refusal is null)
            {
                Interlocked.Increment(ref _inProgress);
            }
        }
        else
        {
            // The INVITEs in progress are two per CUCM call, so half of the others are calls admitted and not yet open.
            var inProgress = Interlocked.Increment(ref _inProgress);
            refusal = maxInProgress > 0 && inProgress > maxInProgress
                ? AdmissionDecision.Unavailable(string.Create(CultureInfo.InvariantCulture, $"Overloaded: {maxInProgress} calls already being set up"))
                : capacity?.Check(inProgress / 2);
            if (refusal is not null)
            {
                Interlocked.Decrement(ref _inProgress);
            }
        }

        _decisions[pairingKey] = new Decision(now, refusal);
        return refusal;
    }

    /// <summary>An admitted INVITE was answered (whatever the answer).</summary>
    public void SetupEnded() => Interlocked.Decrement(ref _inProgress);

    private bool IsFresh(Decision decision, long now) => timeProvider.GetElapsedTime(decision.At, now) < DecisionMemory;

    private void Prune(long now)
    {
        // At most once a second: the map holds the last ten seconds of calls, a few thousand at most.
        var last = Interlocked.Read(ref _prunedAt);
        if (timeProvider.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1)
            || Interlocked.CompareExchange(ref _prunedAt, now, last) != last)
        {
            return;
        }

        foreach (var (key, decision) in _decisions)
        {
            if (!IsFresh(decision, now))
            {
                _decisions.TryRemove(new KeyValuePair<string, Decision>(key, decision));
            }
        }
    }

    /// <summary>A call's answer: admitted when <see cref="Refusal"/> is null.</summary>
    private readonly record struct Decision(long At, AdmissionDecision? Refusal);
}
