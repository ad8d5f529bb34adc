namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// What sits above the <see cref="DialogLayer"/>: the recorder's call handling. It only ever sees requests that
/// passed the dialog checks, each with the dialog it belongs to.
/// </summary>
internal interface IDialogUser
{
    /// <summary>The receive thread's look at a new INVITE (<see cref="ISipRequestHandler.AnswerAtOnce"/>).</summary>
    bool AnswerAtOnce(SipServerRequest invite);

    /// <summary>
    /// A new INVITE with its early dialog (our tag chosen). Answer it with <see cref="DialogLayer.AcceptAsync"/> or a
    /// final non-2xx response through the request; a dialog not accepted when this returns is discarded.
    /// </summary>
    Task OnInviteAsync(SipServerRequest invite, Dialog dialog);

    /// <summary>The ACK of our 2xx, matched to its dialog and sender.</summary>
    Task OnAckAsync(SipServerRequest ack, Dialog dialog);

    /// <summary>
    /// A re-INVITE or UPDATE that passed the checks; answer with <see cref="DialogLayer.RespondInDialogAsync"/> (2xx)
    /// or a non-2xx through the request.
    /// </summary>
    Task OnRefreshAsync(SipServerRequest request, Dialog dialog);

    /// <summary>
    /// The dialog ended: <c>bye</c> (the peer's BYE, answered), <c>cancelled</c>, or the reason our BYE was sent
    /// (<c>no-ack</c>, <c>session-expired</c>, <c>media-timeout</c>, <c>node-stopped</c>...). Called once per dialog.
    /// </summary>
    Task OnDialogEndedAsync(Dialog dialog, string reason);

    /// <summary>Any other request (OPTIONS, methods we do not take), inside a dialog or not.</summary>
    Task OnOtherRequestAsync(SipServerRequest request);
}
