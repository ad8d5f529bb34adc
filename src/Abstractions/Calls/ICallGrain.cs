namespace OrleansRecorder.Abstractions.Calls;

/// <summary>
/// One recorded call as the cluster sees it, keyed by its recording id: which node records it, its legs, parties,
/// codecs, state (recording, paused, held, ended), segment progress and flags.
/// </summary>
/// <remarks>
/// Never on the INVITE's critical path: the node that owns the legs pairs them and answers CUCM by itself, then tells
/// this grain what it did, asynchronously and coalesced (<see cref="ReportAsync"/> carries the whole state with a
/// version, so a report that was lost or late is replaced by the next one and a grain that was unreachable catches up
/// with the first report that arrives).
/// </remarks>
[Alias("call")]
public interface ICallGrain : IGrainWithStringKey
{
    /// <summary>The recording node's latest view of the call; older versions than the one held are ignored.</summary>
    [Alias("report")]
    Task ReportAsync(LiveCall call);

    /// <summary>
    /// Pause, resume or stop the call's recording, from any node: forwarded to the node that records it
    /// (<see cref="ICallHostGrain"/>). Null when the call is unknown here, ended, or no longer on its node.
    /// </summary>
    [Alias("control")]
    Task<LiveCall?> ControlAsync(CallControl action, string by);

    /// <summary>The call as last reported, or null when no report arrived.</summary>
    [Alias("get")]
    Task<LiveCall?> GetAsync();
}
