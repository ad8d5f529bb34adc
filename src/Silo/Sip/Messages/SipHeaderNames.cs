using System.Collections.Frozen;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>Canonical header names: compact forms expanded and well-known names in their RFC spelling.</summary>
internal static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string Contact = "Contact";
    public const string Warning = "Warning";

    // RFC 3261 §7.3.3 and the IANA SIP header registry (compact forms).
    private static readonly FrozenDictionary<char, string> CompactForms = new Dictionary<char, string>
    {
        ['i'] = CallId,
        ['m'] = Contact,
        ['e'] = "Content-Encoding",
        ['l'] = ContentLength,
        ['c'] = ContentType,
        ['f'] = From,
        ['s'] = "Subject",
        ['k'] = "Supported",
        ['t'] = To,
        ['v'] = Via,
        ['o'] = "Event",
        ['u'] = "Allow-Events",
        ['r'] = "Refer-To",
        ['b'] = "Referred-By",
        ['x'] = "Session-Expires",
        ['y'] = "Identity",
        ['a'] = "Accept-Contact",
        ['j'] = "Reject-Contact",
        ['d'] = "Request-Disposition",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> WellKnown = new[]
    {
        "Accept", "Accept-Contact", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
        "Authentication-Info", "Authorization", CallId, "Call-Info", Contact, "Content-Disposition", "Content-Encoding",
        "Content-Language", ContentLength, ContentType, CSeq, "Date", "Error-Info", "Event", "Expires", From, "Identity",
        "In-Reply-To", MaxForwards, "MIME-Version", "Min-Expires", "Min-SE", "Organization", "P-Asserted-Identity",
        "P-Preferred-Identity", "Path", "Priority", "Privacy", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require",
        "RAck", "Reason", "Record-Route", "Refer-To", "Referred-By", "Reject-Contact", "Remote-Party-ID", "Reply-To",
        "Request-Disposition", "Require", "Retry-After", "Route", "RSeq", "Server", "Session-Expires", "Session-ID",
        "Subject", "Supported", "Timestamp", To, "Unsupported", "User-Agent", Via, Warning, "WWW-Authenticate",
        "Cisco-Guid",
    }.ToFrozenDictionary(static n => n, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> WellKnownBySpan =
        WellKnown.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Returns the canonical spelling of <paramref name="name"/>; unknown names are returned unchanged.</summary>
    public static string Canonicalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Known(name) ?? name;
    }

    /// <summary>
    /// The canonical spelling of a name read from a message, without making a string of it when it is a compact form or
    /// a well-known name (every name of a CUCM INVITE); unknown names become a string of their own spelling.
    /// </summary>
    public static string Canonicalize(ReadOnlySpan<char> name) => Known(name) ?? name.ToString();

    private static string? Known(ReadOnlySpan<char> name)
    {
        if (name.Length == 1 && CompactForms.TryGetValue(char.ToLowerInvariant(name[0]), out var full))
        {
            return full;
        }

        return WellKnownBySpan.TryGetValue(name, out var canonical) ? canonical : null;
    }
}
