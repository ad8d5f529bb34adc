namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>RFC 4028 §4: which side refreshes the session (the <c>refresher</c> parameter of Session-Expires).</summary>
internal enum SessionRefresher
{
    /// <summary>CUCM (the UAC of the recording dialog) refreshes; we end the dialog if no refresh comes.</summary>
    Uac,

    /// <summary>We refresh, with an UPDATE at half the interval.</summary>
    Uas,
}
