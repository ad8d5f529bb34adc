using System.Globalization;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// The UAS half of RFC 4028 (session timers) for an INVITE, re-INVITE or UPDATE from CUCM, as a pure function.
/// </summary>
/// <remarks>
/// CUCM offers <c>Session-Expires: 1800</c> and <c>Min-SE: 1800</c> with <c>Supported: timer</c> (PROTOCOL.md §1.7).
/// When it names no refresher we choose <c>uac</c> (§9 lets the UAS choose when the UAC supports timers): CUCM then
/// refreshes and we only watch for the refresh, which costs us nothing and ends a dialog CUCM forgot. When it asks for
/// <c>uas</c> we honour it and refresh with UPDATE. A request with no Session-Expires has no session timer.
/// </remarks>
internal static class SessionTimerNegotiation
{
    /// <summary>RFC 4028 §4: no session interval may be below 90 seconds; our Min-SE.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(90);

    public const string SessionExpiresHeader = "Session-Expires";
    public const string MinSeHeader = "Min-SE";

    /// <summary>The outcome: no timer (<see cref="Terms"/> null), terms to apply, or a 422 to send.</summary>
    public readonly record struct Outcome(SessionTimerTerms? Terms, bool IntervalTooSmall);

    public static Outcome Negotiate(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers.GetFirst(SessionExpiresHeader);
        if (value is null)
        {
            return new Outcome(null, false);
        }

        var separator = value.IndexOf(';', StringComparison.Ordinal);
        var deltaText = (separator < 0 ? value : value[..separator]).Trim();
        if (!long.TryParse(deltaText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            // Unreadable: treat as no session timer rather than refuse a recording over a header we only honour.
            return new Outcome(null, false);
        }

        if (seconds < (long)MinimumInterval.TotalSeconds)
        {
            // RFC 4028 §8.1: 422 (Session Interval Too Small) with our Min-SE.
            return new Outcome(null, true);
        }

        var uacSupportsTimer = HasOptionTag(request, "Supported", "timer");
        string? asked = null;
        if (separator >= 0)
        {
            foreach (var parameter in value[(separator + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length == 2 && pair[0].Equals("refresher", StringComparison.OrdinalIgnoreCase))
                {
                    asked = pair[1].ToLowerInvariant();
                }
            }
        }

        // RFC 4028 §9: a UAC that does not support timers cannot refresh, so we must; otherwise the UAC's choice stands,
        // and with no choice made we leave the refreshing to the UAC.
        var refresher = !uacSupportsTimer || asked == "uas" ? SessionRefresher.Uas : SessionRefresher.Uac;
        return new Outcome(new SessionTimerTerms(TimeSpan.FromSeconds(Math.Min(seconds, 86_400)), refresher), false);
    }

    /// <summary>True when a comma-separated option-tag header (Supported, Require) lists <paramref name="tag"/>.</summary>
    public static bool HasOptionTag(SipMessage message, string header, string tag) =>
        OptionTags.In(message, header).Any(t => t.Equals(tag, StringComparison.OrdinalIgnoreCase));
}
