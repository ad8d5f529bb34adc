namespace OrleansRecorder.Abstractions.Calls;

/// <summary>
/// One recorded call: pairs CUCM's near-end and far-end recording dialogs and owns the call's lifecycle and metadata.
/// </summary>
/// <remarks>
/// Keyed by the pairing key (<see cref="CallKeys.ForMetadata"/>): both legs of a call carry the same <c>x-refci</c>, so
/// both reach the same activation. Called at lifecycle edges only (offered, ended, metadata changed, closed), never per
/// packet. A key is reused when CUCM starts a new segment (hold/resume) with the same refci: a leg that arrives after
/// the recording closed, or for a role already taken by another dialog, opens a new recording.
/// </remarks>
[Alias("call")]
public interface ICallGrain : IGrainWithStringKey
{
    [Alias("offer-leg")]
    Task<LegAssignment> OfferLegAsync(LegOffer offer);

    /// <summary>
    /// The leg ended (BYE, CANCEL, media timeout). Returns true when no leg of the recording is still open.
    /// <paramref name="callId"/> (the leg's SIP Call-ID) identifies the leg even when the node recorded it under another
    /// recording id than the grain gave: the node pairs locally when the grain answers late.
    /// </summary>
    [Alias("leg-ended")]
    Task<bool> LegEndedAsync(string recordingId, LegRole role, string callId);

    [Alias("update-metadata")]
    Task UpdateMetadataAsync(string recordingId, CucmMetadata metadata);

    [Alias("closed")]
    Task RecordingClosedAsync(string recordingId, RecordingStatus status);

    [Alias("get")]
    Task<CallSnapshot?> GetAsync();
}
