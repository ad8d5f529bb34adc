using Orleans.Placement;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Grains.Calls;

/// <summary>
/// One recorded call (see <see cref="ICallGrain"/>). Placed on the silo whose SIP edge received the first leg, where
/// the media is. State lives in memory only: if this silo dies, so do the call's sockets and segments, which the next
/// start finalizes as <c>interrupted</c>.
/// </summary>
/// <remarks>
/// Lifetime follows the call, not Orleans' idle collection: the grain is called only at lifecycle edges, so a call
/// longer than the collection age (15 minutes by default) would otherwise lose its pairing mid-call, and a node taking
/// 100 calls a second would keep 90,000 finished calls alive (memory, and every activation-count gauge walks them).
/// While a leg is open the activation is kept (<see cref="OpenCallKeepAlive"/>, renewed at each edge); when the
/// recording closes it deactivates at once. If the closing message never comes (the recording node died), the
/// ordinary idle collection reclaims it once every leg has ended. A leg the node recorded under an id of its own (the
/// grain answered the offer after the node's time limit) still ends here, matched by its Call-ID, so such a grain goes
/// with the idle collection rather than after <see cref="OpenCallKeepAlive"/>.
/// </remarks>
[PreferLocalPlacement]
internal sealed class CallGrain : Grain, ICallGrain
{
    /// <summary>Longer than any recorded call CUCM keeps up; renewed at every offer and metadata change.</summary>
    internal static readonly TimeSpan OpenCallKeepAlive = TimeSpan.FromHours(24);

    private readonly CallPairing _pairing = new(NewRecordingId);

    public Task<LegAssignment> OfferLegAsync(LegOffer offer)
    {
        var assignment = _pairing.Offer(offer);
        DelayDeactivation(OpenCallKeepAlive);
        return Task.FromResult(assignment);
    }

    public Task<bool> LegEndedAsync(string recordingId, LegRole role, string callId)
    {
        var allEnded = _pairing.End(recordingId, role, callId);
        if (!_pairing.HasOpenLeg)
        {
            // Back to ordinary idle collection: normally RecordingClosedAsync deactivates sooner.
            DelayDeactivation(TimeSpan.FromTicks(-1));
        }

        return Task.FromResult(allEnded);
    }

    public Task UpdateMetadataAsync(string recordingId, CucmMetadata metadata)
    {
        _pairing.UpdateMetadata(recordingId, metadata);
        if (_pairing.HasOpenLeg)
        {
            DelayDeactivation(OpenCallKeepAlive);
        }

        return Task.CompletedTask;
    }

    public Task RecordingClosedAsync(string recordingId, RecordingStatus status)
    {
        _pairing.Close(recordingId);
        if (_pairing.Closed)
        {
            // The recording this key names is finished (a newer segment under the same refci would have reopened it).
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<CallSnapshot?> GetAsync() => Task.FromResult(
        _pairing.RecordingId is { } id
            ? new CallSnapshot(id, _pairing.Metadata, _pairing.Node, _pairing.StartedAt,
                _pairing.Has(LegRole.NearEnd), _pairing.Has(LegRole.FarEnd), _pairing.Closed)
            : null);

    /// <summary>Time-ordered (UUID v7) so ids sort by creation, 32 hex digits: safe in file names and URLs.</summary>
    private static string NewRecordingId() => Guid.CreateVersion7().ToString("N");
}
