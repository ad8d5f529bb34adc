namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// What the dialog layer does with a request: pass it on (<see cref="StatusCode"/> 0), or answer it with the status
/// (an ACK, never answered, is dropped instead). <see cref="Reason"/> is the counter tag and the log text.
/// </summary>
internal readonly record struct InDialogVerdict(int StatusCode, string Reason, string? Unsupported = null)
{
    public static readonly InDialogVerdict Accept = new(0, "accepted");

    public bool Accepted => StatusCode == 0;
}
