namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>The methods a recorder sees (RFC 3261 §7.1 and the extensions CUCM sends), as shared strings.</summary>
internal static class SipMethods
{
    private static readonly string[] Known =
        ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE", "INFO", "PRACK", "REFER", "NOTIFY", "SUBSCRIBE", "MESSAGE", "REGISTER"];

    /// <summary>
    /// The method of a request line as a string: a known one is shared rather than made per request. Methods are
    /// case-sensitive (RFC 3261 §7.1), so only an exact match is shared; any other token becomes a string of its own.
    /// </summary>
    public static string Intern(ReadOnlySpan<char> method)
    {
        foreach (var known in Known)
        {
            if (method.SequenceEqual(known))
            {
                return known;
            }
        }

        return method.ToString();
    }
}
