using System.Text;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// Parses and formats <c>;name[=value]</c> parameter lists (RFC 3261 §19.1.1 uri-parameters, §20 generic-param).
/// A flag parameter has a null value. Quoted-string values (header parameters only) keep their quotes.
/// </summary>
internal static class SipParameters
{
    /// <summary>Parses <paramref name="text"/>, which starts right after the first ';'; an empty parameter is a 400.</summary>
    public static List<KeyValuePair<string, string?>> Parse(ReadOnlySpan<char> text, string field)
    {
        // Sized from the ';' count (an upper bound: some may be quoted), not grown 4, 8, 16 for a CUCM From's nine.
        var result = new List<KeyValuePair<string, string?>>(text.Count(';') + 1);
        var i = 0;
        while (i <= text.Length)
        {
            var start = i;
            var inQuotes = false;
            while (i < text.Length)
            {
                var c = text[i];
                if (inQuotes)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inQuotes = false;
                    }
                }
                else if (c == '"')
                {
                    inQuotes = true;
                }
                else if (c == ';')
                {
                    break;
                }

                i++;
            }

            if (inQuotes)
            {
                SipParseException.ThrowBadRequest(field, "unterminated quoted parameter value");
            }

            var part = text[start..Math.Min(i, text.Length)].Trim();
            if (part.IsEmpty)
            {
                SipParseException.ThrowBadRequest(field, "empty parameter");
            }

            var eq = part.IndexOf('=');
            if (eq < 0)
            {
                result.Add(new(CheckName(part, field), null));
            }
            else
            {
                var name = CheckName(part[..eq].TrimEnd(), field);
                var value = part[(eq + 1)..].TrimStart();
                if (value.IsEmpty)
                {
                    SipParseException.ThrowBadRequest(field, $"parameter '{name}' has an empty value");
                }

                result.Add(new(name, value.ToString()));
            }

            i++;
        }

        return result;
    }

    public static string? Get(IReadOnlyList<KeyValuePair<string, string?>> parameters, string name) =>
        IndexOf(parameters, name) is var index and >= 0 ? parameters[index].Value : null;

    public static bool Has(IReadOnlyList<KeyValuePair<string, string?>> parameters, string name) =>
        IndexOf(parameters, name) >= 0;

    /// <remarks>By index: a foreach over the interface boxes an enumerator per look-up (a tag, a branch...), each time.</remarks>
    private static int IndexOf(IReadOnlyList<KeyValuePair<string, string?>> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (string.Equals(parameters[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Returns a copy with <paramref name="name"/> set (replacing in place, or appended).</summary>
    public static List<KeyValuePair<string, string?>> With(
        IReadOnlyList<KeyValuePair<string, string?>> parameters, string name, string? value)
    {
        var copy = new List<KeyValuePair<string, string?>>(parameters.Count + 1);
        var replaced = false;
        foreach (var p in parameters)
        {
            if (!replaced && string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                copy.Add(new(p.Key, value));
                replaced = true;
            }
            else
            {
                copy.Add(p);
            }
        }

        if (!replaced)
        {
            copy.Add(new(name, value));
        }

        return copy;
    }

    public static void Append(StringBuilder builder, IReadOnlyList<KeyValuePair<string, string?>> parameters)
    {
        foreach (var p in parameters)
        {
            builder.Append(';').Append(p.Key);
            if (p.Value is not null)
            {
                builder.Append('=').Append(p.Value);
            }
        }
    }

    private static string CheckName(ReadOnlySpan<char> name, string field) =>
        SipSyntax.IsToken(name)
            ? name.ToString()
            : SipParseException.ThrowBadRequest<string>(field, $"invalid parameter name '{name}'");
}
