using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Cluster;

namespace OrleansRecorder.Grains.Calls;

/// <summary>
/// One recorded call as the cluster sees it (see <see cref="ICallGrain"/>), keyed by recording id. Placed on a node
/// other than the one that records the call (<see cref="PeerNodePlacement"/>): the recording node pairs the legs and
/// answers CUCM itself, and reports here asynchronously.
/// </summary>
/// <remarks>
/// Lifetime follows the call, not Orleans' idle collection: reports come at lifecycle edges and every few seconds, but
/// a grain must not vanish mid-call for a collection age shorter than the call, and a node taking 100 calls a second
/// must not keep 90,000 finished calls alive. While the call is open the activation is kept
/// (<see cref="OpenCallKeepAlive"/>, renewed at each report); once it ended it deactivates at once.
/// </remarks>
[PeerNodePlacement]
internal sealed class CallGrain : Grain, ICallGrain
{
    /// <summary>Longer than any recorded call CUCM keeps up; renewed at every report.</summary>
    internal static readonly TimeSpan OpenCallKeepAlive = TimeSpan.FromHours(24);

    private LiveCall? _call;

    public Task ReportAsync(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!Supersedes(call, _call))
        {
            return Task.CompletedTask;
        }

        _call = call;
        if (call.State == LiveCallState.Ended)
        {
            DeactivateOnIdle();
        }
        else
        {
            DelayDeactivation(OpenCallKeepAlive);
        }

        return Task.CompletedTask;
    }

    public Task<LiveCall?> GetAsync()
    {
        ForgetIfUnknown();
        return Task.FromResult(_call);
    }

    public async Task<LiveCall?> ControlAsync(CallControl action, string by)
    {
        ForgetIfUnknown();
        if (_call is not { State: not LiveCallState.Ended } call)
        {
            return null;
        }

        // The recording node applies it and reports the new state here on its own (a later version).
        return await GrainFactory.GetGrain<ICallHostGrain>(call.Node).ControlAsync(call.RecordingId, action, by);
    }

    /// <summary>
    /// An activation made only by a question (an API request for an id no node reported, or one asked after the call
    /// ended) goes at once: requests for made-up ids must not fill the silo for the collection age.
    /// </summary>
    private void ForgetIfUnknown()
    {
        if (_call is null)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// A report replaces the held one when it is newer from the same node; a report from another node (the call's
    /// recording moved: a node finalized it from its copy) replaces it only by ending the call.
    /// </summary>
    internal static bool Supersedes(LiveCall report, LiveCall? held) =>
        held is null
        || (report.Node == held.Node ? report.Version > held.Version : report.State == LiveCallState.Ended && held.State != LiveCallState.Ended);
}
