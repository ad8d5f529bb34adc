namespace OrleansRecorder.Silo.Siprec;

/// <summary>The number in an AOR however an SRC writes it: with or without <c>sip:</c>/<c>sips:</c>/<c>tel:</c>, host, parameters.</summary>
internal static class SiprecAor
{
    public static string? UserOf(string? aor)
    {
        if (string.IsNullOrWhiteSpace(aor))
        {
            return null;
        }

        var text = aor.Trim();
        var open = text.IndexOf('<', StringComparison.Ordinal);
        if (open >= 0)
        {
            // A name-addr ("Alice" <sip:1000@host>;tag=x), as vendor data copies From and To.
            var close = text.IndexOf('>', open + 1);
            text = close > open ? text[(open + 1)..close] : text[(open + 1)..];
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && text[..colon] is var scheme
            && (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) || scheme.Equals("sips", StringComparison.OrdinalIgnoreCase)
                || scheme.Equals("tel", StringComparison.OrdinalIgnoreCase)))
        {
            text = text[(colon + 1)..];
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            text = text[..at];
        }

        var parameters = text.IndexOfAny([';', '?']);
        if (parameters >= 0)
        {
            text = text[..parameters];
        }

        return text.Length == 0 ? null : text;
    }
}
