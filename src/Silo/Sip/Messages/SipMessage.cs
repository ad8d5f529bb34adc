using System.Globalization;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// A SIP request or response (RFC 3261 §7): ordered headers and a body. The typed accessors parse on each call and
/// throw <see cref="SipParseException"/> (400) when the header is missing or invalid; the parser validates the
/// mandatory ones for requests, so they never throw on a parsed request.
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

    public CSeqHeader CSeq => CSeqHeader.Parse(Required(SipHeaderNames.CSeq));

    public NameAddress From => NameAddress.Parse(Required(SipHeaderNames.From), SipHeaderNames.From);

    public NameAddress To => NameAddress.Parse(Required(SipHeaderNames.To), SipHeaderNames.To);

    /// <summary>Every Via value in order, top first; a line holding comma-separated values is split.</summary>
    public IReadOnlyList<ViaHeader> Vias
    {
        get
        {
            var lines = Headers.GetAll(SipHeaderNames.Via);
            if (lines.Count == 0)
            {
                return SipParseException.ThrowBadRequest<IReadOnlyList<ViaHeader>>(SipHeaderNames.Via, "missing");
            }

            var vias = new List<ViaHeader>(lines.Count);
            foreach (var line in lines)
            {
                vias.AddRange(ViaHeader.ParseAll(line));
            }

            return vias;
        }
    }

    public ViaHeader TopVia => Vias[0];

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

    private string Required(string name) =>
        Headers.GetFirst(name) ?? SipParseException.ThrowBadRequest<string>(name, "missing");
}
