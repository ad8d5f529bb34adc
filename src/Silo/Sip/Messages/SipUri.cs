using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// A SIP, SIPS or tel URI (RFC 3261 §19.1, RFC 3966). URI parameters are kept in order; a flag parameter such as
/// CUCM's <c>x-nearend</c> has a null value. Parameter names compare case-insensitively (CUCM changes their case
/// between INVITE and BYE). <see cref="ToString"/> reproduces the parsed text.
/// </summary>
internal sealed class SipUri
{
    private readonly string? _rawUser;
    private readonly string? _password;
    private readonly string? _headersPart;

    public SipUri(string scheme, string? user, string host, int? port = null,
        IReadOnlyList<KeyValuePair<string, string?>>? parameters = null)
        : this(scheme, user is null ? null : Escape(user), null, host, port, parameters ?? [], null)
    {
    }

    private SipUri(string scheme, string? rawUser, string? password, string host, int? port,
        IReadOnlyList<KeyValuePair<string, string?>> parameters, string? headersPart)
    {
        Scheme = scheme;
        _rawUser = rawUser;
        User = rawUser is null ? null : Uri.UnescapeDataString(rawUser);
        _password = password;
        Host = host;
        Port = port;
        Parameters = parameters;
        _headersPart = headersPart;
    }

    /// <summary>"sip", "sips" or "tel", lower-case.</summary>
    public string Scheme { get; }

    /// <summary>The user part with %XX escapes decoded; for tel URIs, the telephone number.</summary>
    public string? User { get; }

    /// <summary>The host (IPv6 in brackets); empty for tel URIs.</summary>
    public string Host { get; }

    public int? Port { get; }

    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    public string? GetParameter(string name) => SipParameters.Get(Parameters, name);

    public bool HasParameter(string name) => SipParameters.Has(Parameters, name);

    public static SipUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            uri = ParseCore(text);
            return true;
        }
        catch (SipParseException)
        {
            return false;
        }
    }

    private static SipUri ParseCore(string text)
    {
        const string Field = "URI";
        var span = text.AsSpan().Trim();
        var colon = span.IndexOf(':');
        if (colon <= 0)
        {
            return SipParseException.ThrowBadRequest<SipUri>(Field, "missing scheme");
        }

        var scheme = span[..colon].ToString().ToLowerInvariant();
        if (!SipSyntax.IsToken(scheme))
        {
            return SipParseException.ThrowBadRequest<SipUri>(Field, "invalid scheme");
        }

        if (scheme is not ("sip" or "sips" or "tel"))
        {
            // RFC 3261 §8.2.2.1: 416 Unsupported URI Scheme.
            return SipParseException.Throw<SipUri>(416, Field, $"unsupported URI scheme '{scheme}'");
        }

        var rest = span[(colon + 1)..];
        if (rest.IsEmpty || rest.ContainsAny(' ', '\t') || rest.ContainsAny('<', '>', '"'))
        {
            return SipParseException.ThrowBadRequest<SipUri>(Field, "invalid characters in URI");
        }

        string? headersPart = null;
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            headersPart = rest[(question + 1)..].ToString();
            rest = rest[..question];
        }

        if (scheme == "tel")
        {
            // RFC 3966: tel:number;params. The number takes the place of the user part.
            var telSemi = rest.IndexOf(';');
            var number = telSemi < 0 ? rest : rest[..telSemi];
            if (number.IsEmpty)
            {
                return SipParseException.ThrowBadRequest<SipUri>(Field, "empty telephone number");
            }

            var telParams = telSemi < 0 ? [] : SipParameters.Parse(rest[(telSemi + 1)..], Field);
            return new SipUri(scheme, number.ToString(), null, string.Empty, null, telParams, headersPart);
        }

        string? rawUser = null;
        string? password = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var passColon = userInfo.IndexOf(':');
            if (passColon >= 0)
            {
                password = userInfo[(passColon + 1)..].ToString();
                userInfo = userInfo[..passColon];
            }

            if (userInfo.IsEmpty)
            {
                return SipParseException.ThrowBadRequest<SipUri>(Field, "empty user part");
            }

            rawUser = userInfo.ToString();
            if (!IsValidEscaping(rawUser))
            {
                return SipParseException.ThrowBadRequest<SipUri>(Field, "invalid escape in user part");
            }
        }

        var semi = rest.IndexOf(';');
        var hostPort = semi < 0 ? rest : rest[..semi];
        var parameters = semi < 0 ? [] : SipParameters.Parse(rest[(semi + 1)..], Field);
        var (host, port) = ParseHostPort(hostPort, Field);
        return new SipUri(scheme, rawUser, password, host, port, parameters, headersPart);
    }

    /// <summary>Parses <c>host[:port]</c> where host may be a bracketed IPv6 reference (RFC 3261 §25.1).</summary>
    internal static (string Host, int? Port) ParseHostPort(ReadOnlySpan<char> hostPort, string field)
    {
        hostPort = hostPort.Trim();
        ReadOnlySpan<char> host;
        ReadOnlySpan<char> portText = default;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(hostPort[1..close], out _))
            {
                return SipParseException.ThrowBadRequest<(string, int?)>(field, "invalid IPv6 reference");
            }

            host = hostPort[..(close + 1)];
            var after = hostPort[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    return SipParseException.ThrowBadRequest<(string, int?)>(field, "garbage after IPv6 reference");
                }

                portText = after[1..];
                if (portText.IsEmpty)
                {
                    return SipParseException.ThrowBadRequest<(string, int?)>(field, "empty port");
                }
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':');
            host = colon < 0 ? hostPort : hostPort[..colon];
            if (colon >= 0)
            {
                portText = hostPort[(colon + 1)..];
                if (portText.IsEmpty)
                {
                    return SipParseException.ThrowBadRequest<(string, int?)>(field, "empty port");
                }
            }

            if (host.IsEmpty || !IsHostName(host))
            {
                return SipParseException.ThrowBadRequest<(string, int?)>(field, "invalid host");
            }
        }

        int? port = null;
        if (!portText.IsEmpty)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                return SipParseException.ThrowBadRequest<(string, int?)>(field, "invalid port");
            }

            port = p;
        }

        return (host.ToString(), port);
    }

    private static bool IsHostName(ReadOnlySpan<char> host)
    {
        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidEscaping(string raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' &&
                (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2])))
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(string user)
    {
        // RFC 3261 §25.1 user = 1*( unreserved / escaped / user-unreserved ).
        const string Allowed = "-_.!~*'()&=+$,;?/";
        var builder = new StringBuilder(user.Length);
        foreach (var b in Encoding.UTF8.GetBytes(user))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || Allowed.Contains(c, StringComparison.Ordinal)))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public override string ToString()
    {
        var builder = new StringBuilder(64);
        builder.Append(Scheme).Append(':');
        if (_rawUser is not null)
        {
            builder.Append(_rawUser);
            if (_password is not null)
            {
                builder.Append(':').Append(_password);
            }

            if (Scheme != "tel")
            {
                builder.Append('@');
            }
        }

        builder.Append(Host);
        if (Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        SipParameters.Append(builder, Parameters);
        if (_headersPart is not null)
        {
            builder.Append('?').Append(_headersPart);
        }

        return builder.ToString();
    }
}
