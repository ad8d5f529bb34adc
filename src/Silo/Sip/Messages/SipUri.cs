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
        : this(scheme, user is null ? null : Escape(user), null, host, port, parameters ?? [], null, null)
    {
    }

    private SipUri(string scheme, string? rawUser, string? password, string host, int? port,
        IReadOnlyList<KeyValuePair<string, string?>> parameters, string? headersPart, string? irregularity)
    {
        Irregularity = irregularity;
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

    /// <summary>
    /// What the parser tolerated that RFC 3261 does not allow, or null: the transaction user logs it once per INVITE
    /// (this layer has no logger), so an operator can tell the trunk's vendor without the call being lost.
    /// </summary>
    public string? Irregularity { get; }

    public string? GetParameter(string name) => SipParameters.Get(Parameters, name);

    public bool HasParameter(string name) => SipParameters.Has(Parameters, name);

    public static SipUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text);
    }

    /// <summary>Parses a URI inside a header value or a request line without making a string of it first.</summary>
    public static SipUri Parse(ReadOnlySpan<char> text) => ParseCore(text);

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

    private static SipUri ParseCore(ReadOnlySpan<char> text)
    {
        const string Field = "URI";
        var span = text.Trim();
        var colon = span.IndexOf(':');
        if (colon <= 0)
        {
            return SipParseException.ThrowBadRequest<SipUri>(Field, "missing scheme");
        }

        var scheme = KnownScheme(span[..colon]) ?? span[..colon].ToString().ToLowerInvariant();
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
        if (scheme == "tel")
        {
            var telQuestion = rest.IndexOf('?');
            if (telQuestion >= 0)
            {
                headersPart = rest[(telQuestion + 1)..].ToString();
                rest = rest[..telQuestion];
            }

            // RFC 3966: tel:number;params. The number takes the place of the user part.
            var telSemi = rest.IndexOf(';');
            var number = telSemi < 0 ? rest : rest[..telSemi];
            if (number.IsEmpty)
            {
                return SipParseException.ThrowBadRequest<SipUri>(Field, "empty telephone number");
            }

            var telParams = telSemi < 0 ? [] : SipParameters.Parse(rest[(telSemi + 1)..], Field);
            return new SipUri(scheme, number.ToString(), null, string.Empty, null, telParams, headersPart, null);
        }

        string? rawUser = null;
        string? password = null;
        string? irregularity = null;
        var at = FindUserInfoEnd(rest);
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            if (rest.Contains('@'))
            {
                // RFC 3261 §19.1.1 / §25.1: '@' is legal in neither uri-parameters nor headers; CUCM-like trunks still
                // send one unescaped in a device name. Refusing the INVITE would lose the call, so it is kept as is.
                irregularity = "unescaped '@' after the host (in a URI parameter or header)";
            }

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

        // Headers start at the first '?' after the host: a '?' before the '@' is the user's (user-unreserved, §25.1).
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            headersPart = rest[(question + 1)..].ToString();
            rest = rest[..question];
        }

        var semi = rest.IndexOf(';');
        var hostPort = semi < 0 ? rest : rest[..semi];
        var parameters = semi < 0 ? [] : SipParameters.Parse(rest[(semi + 1)..], Field);
        var (host, port) = ParseHostPort(hostPort, Field);
        return new SipUri(scheme, rawUser, password, host, port, parameters, headersPart, irregularity);
    }

    /// <summary>The scheme's lower-case constant when it is one of ours in any ASCII case (no string made), else null.</summary>
    /// <remarks>ASCII only: an ordinal-ignore-case match would also take 'ſ' for 's', which the invariant lower-casing
    /// of the general path keeps and then refuses as no token.</remarks>
    private static string? KnownScheme(ReadOnlySpan<char> scheme) =>
        Ascii.EqualsIgnoreCase(scheme, "sip") ? "sip"
        : Ascii.EqualsIgnoreCase(scheme, "sips") ? "sips"
        : Ascii.EqualsIgnoreCase(scheme, "tel") ? "tel"
        : null;

    /// <summary>
    /// The index of the '@' that ends the userinfo (RFC 3261 §19.1.1), or -1 when there is none. The user part may
    /// itself hold ';' and '?' (user-unreserved: <c>sip:alice;day=tue@host</c>), so the '@' cannot be looked for only
    /// before the parameters; and a parameter may hold an unescaped '@' (<c>;x-nearenddevice=ab@cd</c>), so it is not
    /// simply the last one. It is the first '@' followed by a valid host[:port] up to the next ';', '?' or the end:
    /// a legal URI has only one '@' and this finds it; of the illegal ones it keeps the user a trunk meant. With no
    /// such '@' (<c>sip:a@b@c_d</c>) the last one is taken, which reports the bad host as before.
    /// </summary>
    private static int FindUserInfoEnd(ReadOnlySpan<char> rest)
    {
        var last = rest.LastIndexOf('@');
        if (last < 0)
        {
            return -1;
        }

        var from = 0;
        while (true)
        {
            var at = rest[from..].IndexOf('@');
            if (at < 0)
            {
                return last;
            }

            at += from;
            var after = rest[(at + 1)..];
            var end = after.IndexOfAny(';', '?');
            if (TryParseHostPort(end < 0 ? after : after[..end], out _, out _, out _))
            {
                return at;
            }

            from = at + 1;
        }
    }

    /// <summary>Parses <c>host[:port]</c> where host may be a bracketed IPv6 reference (RFC 3261 §25.1).</summary>
    internal static (string Host, int? Port) ParseHostPort(ReadOnlySpan<char> hostPort, string field) =>
        TryParseHostPort(hostPort, out var host, out var port, out var error)
            ? (host, port)
            : SipParseException.ThrowBadRequest<(string, int?)>(field, error);

    private static bool TryParseHostPort(ReadOnlySpan<char> hostPort, out string host, out int? port, out string error)
    {
        (host, port, error) = (string.Empty, null, string.Empty);
        hostPort = hostPort.Trim();
        ReadOnlySpan<char> hostText;
        ReadOnlySpan<char> portText = default;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(hostPort[1..close], out _))
            {
                error = "invalid IPv6 reference";
                return false;
            }

            hostText = hostPort[..(close + 1)];
            var after = hostPort[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    error = "garbage after IPv6 reference";
                    return false;
                }

                portText = after[1..];
                if (portText.IsEmpty)
                {
                    error = "empty port";
                    return false;
                }
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':');
            hostText = colon < 0 ? hostPort : hostPort[..colon];
            if (colon >= 0)
            {
                portText = hostPort[(colon + 1)..];
                if (portText.IsEmpty)
                {
                    error = "empty port";
                    return false;
                }
            }

            if (hostText.IsEmpty || !IsHostName(hostText))
            {
                error = "invalid host";
                return false;
            }
        }

        if (!portText.IsEmpty)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                error = "invalid port";
                return false;
            }

            port = p;
        }

        host = hostText.ToString();
        return true;
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
