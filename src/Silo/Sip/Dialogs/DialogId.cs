namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// RFC 3261 §12: a dialog is identified by Call-ID, local tag and remote tag. As the UAS the local tag is the To tag we
/// chose and the remote tag is the From tag of CUCM's INVITE.
/// </summary>
internal readonly record struct DialogId(string CallId, string LocalTag, string? RemoteTag)
{
    /// <summary>True when <paramref name="fromTag"/> and <paramref name="toTag"/> of a request from the peer name this dialog.</summary>
    public bool Matches(string? fromTag, string? toTag) =>
        string.Equals(toTag, LocalTag, StringComparison.Ordinal) && string.Equals(fromTag, RemoteTag, StringComparison.Ordinal);
}
