namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>The session interval agreed for a dialog (RFC 4028) and who refreshes it.</summary>
internal sealed record SessionTimerTerms(TimeSpan Interval, SessionRefresher Refresher)
{
    /// <summary>
    /// RFC 4028 §10: the side that does not refresh sends a BYE "before the session expires", at the interval minus the
    /// lesser of 32 seconds and one third of the interval.
    /// </summary>
    public TimeSpan ExpiryCheck => Interval - TimeSpan.FromSeconds(Math.Min(32, Interval.TotalSeconds / 3));

    /// <summary>RFC 4028 §10: the refresher refreshes at half the interval.</summary>
    public TimeSpan RefreshAt => Interval / 2;

    /// <summary>The Session-Expires value of our 2xx (RFC 4028 §9).</summary>
    public string HeaderValue => FormattableString.Invariant(
        $"{(long)Interval.TotalSeconds};refresher={(Refresher == SessionRefresher.Uac ? "uac" : "uas")}");
}
