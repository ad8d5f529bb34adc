using System.Globalization;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// A SIP request or response (RFC 3261 §7): ordered headers and a body. The typed accessors parse a header line the
/// first time it is read (the parser's own validation counts) and keep the result with the line; they throw
/// <see cref="SipParseException"/> (400) when the header is missing or invalid. The parser validates the mandatory
/// ones for requests, so they never throw on a parsed request.
/// </summary>
internal abstract class SipMessage
{
    protected SipMessage(SipHeaders? headers, ReadOnlyMemory<byte> body)
    {
        Headers = headers ?? new SipHeaders();
        Body = body;
    }

    public SipHeaders Headers { get; }

    public ReadOnlyMemory<byte> Body { get; set; }

    public string CallId => Headers.GetFirst(SipHeaderNames.CallId) is { Length: > 0 } callId
        ? callId
        : SipParseException.ThrowBadRequest<string>(SipHeaderNames.CallId, "missing");

    public CSeqHeader CSeq => Headers.TypedAt(Required(SipHeaderNames.CSeq), CSeqHeader.Parse);

    public NameAddress From => Headers.TypedAt(Required(SipHeaderNames.From), NameAddress.ParseFrom);

    public NameAddress To => Headers.TypedAt(Required(SipHeaderNames.To), NameAddress.ParseTo);

    /// <summary>Every Via value in order, top first; a line holding comma-separated values is split.</summary>
    public IReadOnlyList<ViaHeader> Vias
    {
        get
        {
            var vias = new List<ViaHeader>(1);
            for (var index = Required(SipHeaderNames.Via); index >= 0; index = Headers.IndexOf(SipHeaderNames.Via, index + 1))
            {
                vias.AddRange(Headers.TypedAt(index, ViaHeader.ParseLine));
            }

            return vias;
        }
    }

    /// <summary><see cref="Vias"/>[0] without copying the values (each Via line still has to parse, as there).</summary>
    public ViaHeader TopVia
    {
        get
        {
            var first = Required(SipHeaderNames.Via);
            var top = Headers.TypedAt(first, ViaHeader.ParseLine)[0];
            for (var index = Headers.IndexOf(SipHeaderNames.Via, first + 1); index >= 0; index = Headers.IndexOf(SipHeaderNames.Via, index + 1))
            {
                _ = Headers.TypedAt(index, ViaHeader.ParseLine);
            }

            return top;
        }
    }

    public string? ContentType => Headers.GetFirst(SipHeaderNames.ContentType);

    /// <summary>The Content-Length header if present, else the body length.</summary>
    public int ContentLength =>
        Headers.GetFirst(SipHeaderNames.ContentLength) is { } text
            ? ParseContentLength(text)
            : Body.Length;

    internal static int ParseContentLength(string text) =>
        int.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : SipParseException.ThrowBadRequest<int>(SipHeaderNames.ContentLength, "invalid value");

    private int Required(string canonicalName)
    {
        var index = Headers.IndexOf(canonicalName, 0);
        return index >= 0 ? index : SipParseException.ThrowBadRequest<int>(canonicalName, "missing");
    }
}
