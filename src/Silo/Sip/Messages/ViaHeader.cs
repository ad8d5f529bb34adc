using System.Globalization;
using System.Text;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>One Via value (RFC 3261 §20.42, RFC 3581 rport): <c>SIP/2.0/UDP host[:port];branch=...;received=...;rport</c>.</summary>
internal sealed class ViaHeader
{
    /// <summary>The RFC 3261 §8.1.1.7 branch magic cookie.</summary>
    public const string MagicCookie = "z9hG4bK";

    private string? _sentBy;

    public ViaHeader(string transport, string host, int? port, IReadOnlyList<KeyValuePair<string, string?>>? parameters = null,
        string protocol = "SIP/2.0")
    {
        Protocol = protocol;
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters ?? [];
    }

    /// <summary>Protocol name and version, e.g. "SIP/2.0".</summary>
    public string Protocol { get; }

    /// <summary>Transport, upper-case as received (UDP, TCP, TLS, SCTP, WS...).</summary>
    public string Transport { get; }

    public string Host { get; }

    public int? Port { get; }

    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    public string? Branch => SipParameters.Get(Parameters, "branch");

    public string? Received => SipParameters.Get(Parameters, "received");

    public bool HasRport => SipParameters.Has(Parameters, "rport");

    public int? Rport =>
        int.TryParse(SipParameters.Get(Parameters, "rport"), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? p
            : null;

    /// <summary>The sent-by as text: <c>host[:port]</c> (made once: every transaction key of the request reads it).</summary>
    public string SentBy => _sentBy ??= Port is { } port ? string.Create(CultureInfo.InvariantCulture, $"{Host}:{port}") : Host;

    public string? GetParameter(string name) => SipParameters.Get(Parameters, name);

    /// <summary>Returns a copy with <paramref name="name"/> set (replaced in place, or appended).</summary>
    public ViaHeader WithParameter(string name, string? value) =>
        new(Transport, Host, Port, SipParameters.With(Parameters, name, value), Protocol);

    /// <summary>Parses one header line, which may hold several comma-separated Via values.</summary>
    public static List<ViaHeader> ParseAll(string line) => [.. ParseLine(line)];

    /// <summary>Same as <see cref="ParseAll"/>, into an array (the typed view a message keeps of its Via lines).</summary>
    public static ViaHeader[] ParseLine(string line) => ParseLine(line, null);

    /// <summary>
    /// Same as <see cref="ParseLine(string)"/>; <paramref name="first"/>, when given, is the line's first value already
    /// parsed (the parser checks the top Via before anything else) and is taken instead of parsing it again.
    /// </summary>
    public static ViaHeader[] ParseLine(string line, ViaHeader? first)
    {
        ArgumentNullException.ThrowIfNull(line);
        var span = line.AsSpan();
        var end = IndexOfUnquotedComma(span);
        var top = first ?? Parse(span[..end]);
        if (end == span.Length)
        {
            return [top];
        }

        var values = new List<ViaHeader>(2) { top };
        while (end < span.Length)
        {
            span = span[(end + 1)..];
            end = IndexOfUnquotedComma(span);
            values.Add(Parse(span[..end]));
        }

        return [.. values];
    }

    /// <summary>Where the first value of a Via line ends: its first comma outside a quoted string, or the line's end.</summary>
    public static int IndexOfUnquotedComma(ReadOnlySpan<char> line)
    {
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (line[i] == ',' && !inQuotes)
            {
                return i;
            }
        }

        return line.Length;
    }

    public static ViaHeader Parse(ReadOnlySpan<char> value)
    {
        const string Field = SipHeaderNames.Via;
        var s = value.Trim();
        var i = 0;
        var name = ReadToken(s, ref i);
        ExpectSlash(s, ref i);
        var version = ReadToken(s, ref i);
        ExpectSlash(s, ref i);
        var transport = ReadToken(s, ref i);
        if (name.IsEmpty || version.IsEmpty || transport.IsEmpty)
        {
            return SipParseException.ThrowBadRequest<ViaHeader>(Field, "invalid sent-protocol");
        }

        if (i >= s.Length || !SipSyntax.IsWhitespace(s[i]))
        {
            return SipParseException.ThrowBadRequest<ViaHeader>(Field, "missing sent-by");
        }

        var rest = s[i..].TrimStart();
        var semi = rest.IndexOf(';');
        var sentBy = semi < 0 ? rest : rest[..semi];
        var (host, port) = SipUri.ParseHostPort(sentBy, Field);
        var parameters = semi < 0 ? [] : SipParameters.Parse(rest[(semi + 1)..], Field);
        var protocol = string.Concat(name, "/", version).ToUpperInvariant();
        return new ViaHeader(transport.ToString().ToUpperInvariant(), host, port, parameters, protocol);
    }

    private static ReadOnlySpan<char> ReadToken(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && !SipSyntax.IsWhitespace(s[i]) && s[i] != '/')
        {
            i++;
        }

        var token = s[start..i];
        return SipSyntax.IsToken(token) ? token : [];
    }

    private static void ExpectSlash(ReadOnlySpan<char> s, ref int i)
    {
        // RFC 3261 §25.1: SLASH = SWS "/" SWS.
        while (i < s.Length && SipSyntax.IsWhitespace(s[i]))
        {
            i++;
        }

        if (i >= s.Length || s[i] != '/')
        {
            SipParseException.ThrowBadRequest(SipHeaderNames.Via, "invalid sent-protocol");
        }

        i++;
        while (i < s.Length && SipSyntax.IsWhitespace(s[i]))
        {
            i++;
        }
    }

    public override string ToString()
    {
        var builder = new StringBuilder(64);
        builder.Append(Protocol).Append('/').Append(Transport).Append(' ').Append(SentBy);
        SipParameters.Append(builder, Parameters);
        return builder.ToString();
    }
}
