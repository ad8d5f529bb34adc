using Orleans.Placement;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Grains.Calls;

/// <summary>
/// One recorded call (see <see cref="ICallGrain"/>). Placed on the silo whose SIP edge received the first leg, where
/// the media is. State lives in memory only: if this silo dies, so do the call's sockets and segments, which the next
/// start finalizes as <c>interrupted</c>.
/// </summary>
[PreferLocalPlacement]
internal sealed class CallGrain : Grain, ICallGrain
{
    private readonly CallPairing _pairing = new(NewRecordingId);

    public Task<LegAssignment> OfferLegAsync(LegOffer offer) => Task.FromResult(_pairing.Offer(offer));

    public Task<bool> LegEndedAsync(string recordingId, LegRole role) => Task.FromResult(_pairing.End(recordingId, role));

    public Task UpdateMetadataAsync(string recordingId, CucmMetadata metadata)
    {
        _pairing.UpdateMetadata(recordingId, metadata);
        return Task.CompletedTask;
    }

    public Task RecordingClosedAsync(string recordingId, RecordingStatus status)
    {
        _pairing.Close(recordingId);
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
