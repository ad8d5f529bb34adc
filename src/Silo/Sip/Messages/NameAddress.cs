using System.Text;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// A From/To/Contact value (RFC 3261 §20.10): <c>"Display" &lt;uri&gt;;header-params</c> or the addr-spec form
/// <c>uri;header-params</c>, where parameters after the URI belong to the header, not the URI.
/// </summary>
internal sealed class NameAddress
{
    public NameAddress(string? displayName, SipUri uri, IReadOnlyList<KeyValuePair<string, string?>>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        DisplayName = displayName;
        Uri = uri;
        Parameters = parameters ?? [];
    }

    public string? DisplayName { get; }

    public SipUri Uri { get; }

    /// <summary>Header parameters (after the '&gt;' or after the addr-spec), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    public string? Tag => SipParameters.Get(Parameters, "tag");

    public string? GetParameter(string name) => SipParameters.Get(Parameters, name);

    public NameAddress WithTag(string tag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        return new NameAddress(DisplayName, Uri, SipParameters.With(Parameters, "tag", tag));
    }

    public static NameAddress Parse(string value, string field = "name-addr")
    {
        ArgumentNullException.ThrowIfNull(value);
        var span = value.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return SipParseException.ThrowBadRequest<NameAddress>(field, "empty value");
        }

        string? displayName = null;
        var searchFrom = 0;
        if (span[0] == '"')
        {
            // quoted-string with quoted-pair escapes (RFC 3261 §25.1).
            var builder = new StringBuilder();
            var i = 1;
            var closed = false;
            for (; i < span.Length; i++)
            {
                if (span[i] == '\\' && i + 1 < span.Length)
                {
                    builder.Append(span[++i]);
                }
                else if (span[i] == '"')
                {
                    closed = true;
                    break;
                }
                else
                {
                    builder.Append(span[i]);
                }
            }

            if (!closed)
            {
                return SipParseException.ThrowBadRequest<NameAddress>(field, "unterminated display name");
            }

            displayName = builder.ToString();
            searchFrom = i + 1;
        }

        var open = span[searchFrom..].IndexOf('<');
        if (open >= 0)
        {
            open += searchFrom;
            if (displayName is null)
            {
                var token = span[..open].Trim();
                displayName = token.IsEmpty ? null : token.ToString();
            }
            else if (!span[searchFrom..open].Trim().IsEmpty)
            {
                return SipParseException.ThrowBadRequest<NameAddress>(field, "text between display name and '<'");
            }

            var close = span[open..].IndexOf('>');
            if (close < 0)
            {
                return SipParseException.ThrowBadRequest<NameAddress>(field, "missing '>'");
            }

            close += open;
            var uri = SipUri.Parse(span[(open + 1)..close]);
            var after = span[(close + 1)..].Trim();
            return new NameAddress(displayName, uri, ParseHeaderParameters(after, field));
        }

        if (displayName is not null)
        {
            return SipParseException.ThrowBadRequest<NameAddress>(field, "display name without '<uri>'");
        }

        // addr-spec form: the URI cannot carry parameters here; everything after ';' is a header parameter.
        var semi = span.IndexOf(';');
        var addrSpec = semi < 0 ? span : span[..semi];
        var parameters = semi < 0 ? [] : SipParameters.Parse(span[(semi + 1)..], field);
        return new NameAddress(null, SipUri.Parse(addrSpec), parameters);
    }

    /// <summary>A From value (RFC 3261 §20.20); a parse error names the From header.</summary>
    public static NameAddress ParseFrom(string value) => Parse(value, SipHeaderNames.From);

    /// <summary>A To value (RFC 3261 §20.39); a parse error names the To header.</summary>
    public static NameAddress ParseTo(string value) => Parse(value, SipHeaderNames.To);

    private static List<KeyValuePair<string, string?>> ParseHeaderParameters(ReadOnlySpan<char> after, string field)
    {
        if (after.IsEmpty)
        {
            return [];
        }

        if (after[0] != ';')
        {
            return SipParseException.ThrowBadRequest<List<KeyValuePair<string, string?>>>(field, "garbage after '>'");
        }

        return SipParameters.Parse(after[1..], field);
    }

    public override string ToString()
    {
        var builder = new StringBuilder(96);
        if (DisplayName is not null)
        {
            builder.Append('"').Append(DisplayName.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\" ");
        }

        builder.Append('<').Append(Uri).Append('>');
        SipParameters.Append(builder, Parameters);
        return builder.ToString();
    }
}
