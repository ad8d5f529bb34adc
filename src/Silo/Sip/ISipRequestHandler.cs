using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip;

/// <summary>The transaction user of the <see cref="SipStack"/>.</summary>
internal interface ISipRequestHandler
{
    /// <summary>
    /// Every request that creates a server transaction (INVITE, BYE, OPTIONS, UPDATE, INFO, any unknown method), once
    /// (retransmissions are absorbed by the transaction), and every ACK that matches no INVITE transaction in
    /// Completed state (the ACK of a 2xx, carrying the SDP answer in CUCM's delayed offer), with IsAck = true.
    /// The handler answers through <see cref="SipServerRequest.RespondAsync"/> (not for ACK). An exception thrown by the
    /// handler is caught, logged, and answered 500 if no final response was sent yet.
    /// </summary>
    Task OnRequestAsync(SipServerRequest request);

    /// <summary>
    /// Called on the thread that read the request, for each INVITE that starts a dialog (no To tag), before it waits for
    /// a thread: true when the handler answered it at once (it is then not handed to <see cref="OnRequestAsync"/>);
    /// false lets it through. Must be quick and must not block: every request behind it waits.
    /// </summary>
    bool AnswerAtOnce(SipServerRequest invite);

    /// <summary>A CANCEL matched a pending INVITE: 200 OK (CANCEL) and 487 (INVITE) were already sent (RFC 3261 §9.2).</summary>
    void OnInviteCancelled(SipRequest invite);

    /// <summary>A 2xx to an INVITE went unacknowledged for 64·T1 (RFC 3261 §13.3.1.4): the TU should end the dialog.</summary>
    void OnAckTimeout(SipRequest invite);
}
