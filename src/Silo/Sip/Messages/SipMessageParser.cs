using System.Buffers;
using System.Globalization;
using System.Text;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// Parses SIP messages (RFC 3261 §7) from bytes with Kestrel's parser contract: on a stream, incomplete input returns
/// false and consumes nothing; bad input throws one <see cref="SipParseException"/> carrying the status to answer.
/// </summary>
/// <remarks>
/// Framing (RFC 3261 §18.3): on a stream, Content-Length is mandatory and delimits the body; on a datagram, a missing
/// Content-Length means the rest of the datagram, and bytes beyond Content-Length are discarded. Leading CRLFs
/// (RFC 5626 §4.4.1 keep-alives) are skipped and consumed. The parser copies what it keeps (strings, body), so the
/// caller may reuse its buffer once the call returns. Pure: no I/O, clock or logging; thread-safe.
/// </remarks>
internal static class SipMessageParser
{
    private static ReadOnlySpan<byte> HeaderTerminator => "\r\n\r\n"u8;

    public static bool TryParse(ReadOnlySequence<byte> buffer, bool isDatagram, int maxMessageSize,
        out SipMessage? message, out SequencePosition consumed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageSize);
        message = null;
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryPeek(out var b) && b is (byte)'\r' or (byte)'\n')
        {
            reader.Advance(1);
        }

        consumed = reader.Position;
        if (reader.End)
        {
            return false;
        }

        var messageStart = reader.Position;
        var afterCrlf = reader.Consumed;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeaderTerminator, advancePastDelimiter: true))
        {
            if (reader.Remaining > maxMessageSize)
            {
                SipParseException.Throw(513, "message", "header section exceeds the maximum message size");
            }

            if (isDatagram)
            {
                SipParseException.ThrowBadRequest("message", "header section not terminated by an empty line");
            }

            return false;
        }

        var headLength = reader.Consumed - afterCrlf;
        if (headLength > maxMessageSize)
        {
            SipParseException.Throw(513, "message", "header section exceeds the maximum message size");
        }

        var parsed = ParseHead(Encoding.UTF8.GetString(head));
        var available = reader.Remaining;
        var contentLengthText = parsed.Headers.GetFirst(SipHeaderNames.ContentLength);
        long bodyLength;
        if (contentLengthText is null)
        {
            if (!isDatagram)
            {
                // RFC 3261 §18.3: Content-Length MUST be used with stream-oriented transports.
                parsed.Fail(400, SipHeaderNames.ContentLength, "missing on a stream transport");
            }

            bodyLength = available;
        }
        else if (!int.TryParse(contentLengthText.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture,
                     out var declared))
        {
            return parsed.Fail<bool>(400, SipHeaderNames.ContentLength, "invalid value");
        }
        else
        {
            bodyLength = declared;
        }

        if (headLength + bodyLength > maxMessageSize)
        {
            parsed.Fail(513, "message", "message exceeds the maximum message size");
        }

        if (bodyLength > available)
        {
            if (isDatagram)
            {
                // RFC 3261 §18.3: a datagram shorter than its Content-Length is rejected with 400.
                parsed.Fail(400, SipHeaderNames.ContentLength, "larger than the datagram");
            }

            consumed = messageStart;
            return false;
        }

        var bodySequence = buffer.Slice(reader.Position, bodyLength);
        ReadOnlyMemory<byte> body = bodyLength == 0 ? ReadOnlyMemory<byte>.Empty : bodySequence.ToArray();
        consumed = isDatagram ? buffer.End : bodySequence.End;
        message = parsed.Build(body);
        return true;
    }

    /// <summary>Parses one datagram; throws <see cref="SipParseException"/> if it holds no message or a bad one.</summary>
    public static SipMessage Parse(ReadOnlySpan<byte> datagram, int maxMessageSize)
    {
        var sequence = new ReadOnlySequence<byte>(datagram.ToArray());
        return TryParse(sequence, isDatagram: true, maxMessageSize, out var message, out _)
            ? message!
            : SipParseException.ThrowBadRequest<SipMessage>("message", "empty datagram");
    }

    /// <summary>
    /// The head, from one string of it: the start line's parts and each header value are ranges of that string
    /// (<see cref="SipHeaders.AddParsed"/>), not a string per line and another per value; a folded value is the one
    /// exception, unfolded into a string of its own.
    /// </summary>
    private static ParsedHead ParseHead(string text)
    {
        var span = text.AsSpan();
        var startLineLength = span.IndexOf("\r\n");
        var startLine = startLineLength < 0 ? span : span[..startLineLength];
        if (startLine.ContainsAny('\r', '\n'))
        {
            // RFC 3261 §7.1/§7.2: the start line ends at the first CRLF and holds no other CR or LF. A bare one would
            // otherwise end up inside the Request-URI or the reason phrase, which the writer refuses to send.
            SipParseException.ThrowBadRequest("start-line", "bare CR or LF in the start line");
        }

        // Lines after the start line: at most one per CRLF (folded ones join the line before).
        var headers = new SipHeaders(span.Count("\r\n"));
        SipParseException? deferred = null;

        // RFC 3261 §7.3.1: a line starting with SP/HTAB continues the previous header value (unfolded to one SP).
        string? name = null;
        var valueStart = 0;
        var valueLength = 0;
        StringBuilder? folded = null;
        for (var lineStart = startLineLength + 2; startLineLength >= 0 && lineStart <= text.Length;)
        {
            var lineLength = span[lineStart..].IndexOf("\r\n");
            var line = lineLength < 0 ? span[lineStart..] : span.Slice(lineStart, lineLength);
            var current = lineStart;
            lineStart = lineLength < 0 ? text.Length + 1 : lineStart + lineLength + 2;
            if (line.ContainsAny('\r', '\n'))
            {
                deferred ??= new SipParseException(400, "header", "bare CR or LF in header section");
                continue;
            }

            if (line.Length > 0 && SipSyntax.IsWhitespace(line[0]))
            {
                if (name is null)
                {
                    deferred ??= new SipParseException(400, "header", "continuation line without a header");
                    continue;
                }

                (folded ??= new StringBuilder().Append(text, valueStart, valueLength)).Append(' ').Append(line.Trim());
                continue;
            }

            if (name is not null)
            {
                AddHeader(headers, name, text, valueStart, valueLength, folded);
                name = null;
                folded = null;
            }

            var colon = line.IndexOf(':');
            var headerName = colon > 0 ? line[..colon].TrimEnd(" \t") : default;
            if (!SipSyntax.IsToken(headerName))
            {
                deferred ??= new SipParseException(400, "header", "malformed header line");
                continue;
            }

            name = SipHeaderNames.Canonicalize(headerName);
            var value = line[(colon + 1)..];
            var trimmed = value.Trim();
            valueStart = current + colon + 1 + (value.Length - value.TrimStart().Length);
            valueLength = trimmed.Length;
        }

        if (name is not null)
        {
            AddHeader(headers, name, text, valueStart, valueLength, folded);
        }

        return startLine.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase)
            ? ParseResponseHead(startLine, headers, deferred)
            : ParseRequestHead(startLine, headers, deferred);
    }

    private static void AddHeader(SipHeaders headers, string name, string text, int valueStart, int valueLength,
        StringBuilder? folded)
    {
        if (folded is null)
        {
            headers.AddParsed(name, text, valueStart, valueLength);
        }
        else
        {
            headers.Add(name, folded.ToString().Trim());
        }
    }

    private static ParsedHead ParseRequestHead(ReadOnlySpan<char> startLine, SipHeaders headers, SipParseException? deferred)
    {
        const string Field = "Request-Line";

        // RFC 3261 §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF. Runs of SP are tolerated.
        Span<Range> parts = stackalloc Range[4];
        if (SplitOnSpaces(startLine, parts) != 3 || !SipSyntax.IsToken(startLine[parts[0]]))
        {
            SipParseException.ThrowBadRequest(Field, "expected '<method> <request-uri> SIP/2.0'");
        }

        var method = SipMethods.Intern(startLine[parts[0]]);
        var version = startLine[parts[2]];
        if (!version.Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            deferred = version.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase)
                ? new SipParseException(505, "SIP-Version", $"unsupported version '{version}'")
                : new SipParseException(400, "SIP-Version", "malformed version");
        }

        SipUri? requestUri = null;
        try
        {
            requestUri = SipUri.Parse(startLine[parts[1]]);
        }
        catch (SipParseException ex)
        {
            deferred ??= new SipParseException(ex.StatusCode, "Request-URI", ex.Detail);
        }

        var topLine = headers.IndexOf(SipHeaderNames.Via, 0);
        if (topLine < 0)
        {
            SipParseException.ThrowBadRequest(SipHeaderNames.Via, "missing");
        }

        // The top Via must parse for any response to be addressable (RFC 3261 §18.2.2).
        var topValue = headers.ValueAt(topLine);
        var topVia = ViaHeader.Parse(topValue.AsSpan(0, ViaHeader.IndexOfUnquotedComma(topValue)));
        var head = new ParsedHead(method, requestUri, 0, string.Empty, headers);
        try
        {
            if (deferred is not null)
            {
                throw deferred;
            }

            ValidateVias(headers, topLine, topVia);
            RequireHeader(headers, SipHeaderNames.CallId);
            RequireTyped(headers, SipHeaderNames.From, NameAddress.ParseFrom);
            RequireTyped(headers, SipHeaderNames.To, NameAddress.ParseTo);
            var cseq = RequireTyped(headers, SipHeaderNames.CSeq, CSeqHeader.Parse);

            // RFC 3261 §8.1.1.5: the CSeq method MUST match the request method.
            if (cseq.Method != method)
            {
                SipParseException.ThrowBadRequest(SipHeaderNames.CSeq, "method does not match the request line");
            }

            if (headers.GetFirst(SipHeaderNames.MaxForwards) is { } maxForwards &&
                (!int.TryParse(maxForwards, NumberStyles.None, CultureInfo.InvariantCulture, out var hops) || hops > 255))
            {
                SipParseException.ThrowBadRequest(SipHeaderNames.MaxForwards, "invalid value");
            }
        }
        catch (SipParseException ex)
        {
            throw ex.WithRequestContext(method, headers);
        }

        return head;
    }

    private static ParsedHead ParseResponseHead(ReadOnlySpan<char> startLine, SipHeaders headers, SipParseException? deferred)
    {
        const string Field = "Status-Line";

        // RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF.
        var firstSpace = startLine.IndexOf(' ');
        if (firstSpace < 0)
        {
            SipParseException.ThrowBadRequest(Field, "expected 'SIP/2.0 <code> <reason>'");
        }

        var version = startLine[..firstSpace];
        if (!version.Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            SipParseException.Throw(505, "SIP-Version", $"unsupported version '{version}'");
        }

        var rest = startLine[(firstSpace + 1)..];
        var codeEnd = rest.IndexOf(' ');
        var codeText = codeEnd < 0 ? rest : rest[..codeEnd];
        var statusCode = 0;
        if (codeText.Length != 3 ||
            !int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out statusCode) ||
            statusCode < 100 || statusCode > 699)
        {
            SipParseException.ThrowBadRequest(Field, "invalid status code");
        }

        var reason = codeEnd < 0 ? string.Empty : ReasonPhrase(statusCode, rest[(codeEnd + 1)..]);
        if (deferred is not null)
        {
            throw deferred;
        }

        ValidateVias(headers, headers.IndexOf(SipHeaderNames.Via, 0), null);
        RequireHeader(headers, SipHeaderNames.CallId);
        RequireTyped(headers, SipHeaderNames.CSeq, CSeqHeader.Parse);
        RequireTyped(headers, SipHeaderNames.From, NameAddress.ParseFrom);
        RequireTyped(headers, SipHeaderNames.To, NameAddress.ParseTo);
        return new ParsedHead(null, null, statusCode, reason, headers);
    }

    /// <summary>Parses every Via line from <paramref name="first"/> on, keeping the values with the lines.</summary>
    private static void ValidateVias(SipHeaders headers, int first, ViaHeader? topVia)
    {
        if (first < 0)
        {
            return;
        }

        headers.TypedAt(first, line => ViaHeader.ParseLine(line, topVia));
        for (var index = headers.IndexOf(SipHeaderNames.Via, first + 1); index >= 0;
             index = headers.IndexOf(SipHeaderNames.Via, index + 1))
        {
            headers.TypedAt(index, ViaHeader.ParseLine);
        }
    }

    /// <summary>The parts of <paramref name="line"/> between runs of SP, as <c>string.Split(' ', RemoveEmptyEntries)</c>; counts past the room.</summary>
    private static int SplitOnSpaces(ReadOnlySpan<char> line, Span<Range> parts)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            if (i == line.Length)
            {
                return count;
            }

            var start = i;
            while (i < line.Length && line[i] != ' ')
            {
                i++;
            }

            if (count < parts.Length)
            {
                parts[count] = start..i;
            }

            count++;
        }
    }

    /// <summary>The reason phrase; the usual one for the code is shared rather than made again.</summary>
    private static string ReasonPhrase(int statusCode, ReadOnlySpan<char> text)
    {
        var usual = SipReasonPhrases.Get(statusCode);
        return text.SequenceEqual(usual) ? usual : text.ToString();
    }

    private static string RequireHeader(SipHeaders headers, string name) =>
        headers.GetFirst(name) is { Length: > 0 } value
            ? value
            : SipParseException.ThrowBadRequest<string>(name, "missing");

    /// <summary><see cref="RequireHeader"/>, then the first line's typed view (kept with it for the accessors).</summary>
    private static T RequireTyped<T>(SipHeaders headers, string name, Func<string, T> parse)
    {
        RequireHeader(headers, name);
        return headers.TypedAt(headers.IndexOf(name, 0), parse);
    }

    private sealed class ParsedHead(string? method, SipUri? requestUri, int statusCode, string reason, SipHeaders headers)
    {
        public SipHeaders Headers { get; } = headers;

        public SipMessage Build(ReadOnlyMemory<byte> body) =>
            method is not null
                ? new SipRequest(method, requestUri!, Headers, body)
                : new SipResponse(statusCode, reason, Headers, body);

        public void Fail(int status, string field, string detail) => Fail<bool>(status, field, detail);

        public T Fail<T>(int status, string field, string detail)
        {
            var exception = new SipParseException(status, field, detail);
            throw method is null ? exception : exception.WithRequestContext(method, Headers);
        }
    }
}
