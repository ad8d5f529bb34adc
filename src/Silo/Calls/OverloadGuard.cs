using System.Globalization;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Refuses new calls with 503 while the node is behind on its CPU (ARCHITECTURE.md, failover policy: "node near its
/// measured capacity"), so CUCM records them on the backup instead of this node answering every INVITE late.
/// </summary>
/// <remarks>
/// The measure is how long the INVITE waited for a thread after the SIP stack received it
/// (<see cref="Sip.SipServerRequest.QueueDelay"/>): microseconds on a node with CPU to spare, and on a saturated one it
/// grows with every call set up (PERFORMANCE.md: at twice the set-up capacity of a core the INVITE-to-200 time reached
/// 15-20 s, with CUCM's call up and unrecorded meanwhile). It needs no capacity figure per machine. It does not bound
/// the wait by itself: the refusal is decided when the INVITE gets a thread, so under saturation its 503 came seconds
/// late (PERFORMANCE.md, "Overload"). The first line is <see cref="SetupAdmission"/>, decided as the INVITE is read;
/// this check stays behind it for waits that build up anyway (a core taken by something else). A leg that joins a
/// recording already open here is always taken: refusing it would split the call across two nodes.
/// The finalizations run behind the set-up (<see cref="Recording.FinalizeWorkers"/>), so a node whose set-up keeps up
/// can still fall behind on them: <paramref name="finalizeBacklog"/> says why it must refuse new calls until it has
/// caught up (null: it need not).
/// </remarks>
internal sealed class OverloadGuard(TimeSpan maxQueueDelay, Func<string?>? finalizeBacklog = null)
{
    /// <summary>The refusal for a new call's INVITE that waited <paramref name="queueDelay"/>, or null to go on.</summary>
    public AdmissionDecision? Check(TimeSpan queueDelay, bool joinsOpenRecording)
    {
        if (joinsOpenRecording)
        {
            return null;
        }

        if (finalizeBacklog?.Invoke() is { } backlog)
        {
            return AdmissionDecision.Unavailable(backlog);
        }

        if (maxQueueDelay <= TimeSpan.Zero || queueDelay <= maxQueueDelay)
        {
            return null;
        }

        return AdmissionDecision.Unavailable(string.Create(CultureInfo.InvariantCulture,
            $"Overloaded: the INVITE waited {queueDelay.TotalMilliseconds:F0} ms for a thread (limit {maxQueueDelay.TotalMilliseconds:F0} ms)"));
    }
}
