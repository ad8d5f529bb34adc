using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Dialogs;

namespace OrleansRecorder.Silo.Calls;

/// <summary>An admitted recording dialog to wire to an RTP port and a recording.</summary>
/// <param name="Dialog">Its dialog (early: our 2xx not sent yet).</param>
/// <param name="Role">Near or far end (a plain SIP client: near end).</param>
/// <param name="Metadata">CUCM's From-URI metadata.</param>
/// <param name="PairingKey">Key shared by both legs of the call (<see cref="CallKeys.ForMetadata"/>).</param>
/// <param name="Offer">The SDP offer of the INVITE, or null for a delayed offer (ours goes in the 200).</param>
/// <param name="StreamLabel">A SIPREC stream's label (one dialog, several legs); null for CUCM legs.</param>
/// <param name="Channel">The leg's channel when not its role's: a SIPREC session's third stream and on (2, 3, ...).</param>
internal sealed record LegRequest(Dialog Dialog, LegRole Role, CucmMetadata Metadata, string PairingKey, SessionDescription? Offer,
    string? StreamLabel = null, int? Channel = null);
