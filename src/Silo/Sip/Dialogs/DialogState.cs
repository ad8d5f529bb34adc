namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>RFC 3261 §12: the states of a dialog, seen from our side (always the UAS of CUCM's recording calls).</summary>
internal enum DialogState
{
    /// <summary>Our local tag is chosen and the leg is being set up; no 2xx sent yet (a CANCEL can still end it).</summary>
    Early,

    /// <summary>Our 2xx to the INVITE is sent (RFC 3261 §12.1.1: the UAS's dialog is established by its 2xx).</summary>
    Confirmed,

    /// <summary>A BYE was sent or received, or the set-up failed: every request for it gets 481.</summary>
    Terminated,
}
