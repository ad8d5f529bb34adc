using System.Globalization;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>The CSeq header (RFC 3261 §20.16): a sequence number below 2^31 and a method.</summary>
internal readonly record struct CSeqHeader(uint Number, string Method)
{
    public static CSeqHeader Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var span = value.AsSpan().Trim();
        var space = span.IndexOfAny(' ', '\t');
        if (space <= 0)
        {
            return SipParseException.ThrowBadRequest<CSeqHeader>(SipHeaderNames.CSeq, "expected '<number> <method>'");
        }

        // RFC 3261 §8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer and less than 2^31.
        if (!uint.TryParse(span[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
            number >= 0x8000_0000u)
        {
            return SipParseException.ThrowBadRequest<CSeqHeader>(SipHeaderNames.CSeq, "invalid sequence number");
        }

        var method = span[(space + 1)..].Trim();
        if (!SipSyntax.IsToken(method))
        {
            return SipParseException.ThrowBadRequest<CSeqHeader>(SipHeaderNames.CSeq, "invalid method");
        }

        return new CSeqHeader(number, SipMethods.Intern(method));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Number} {Method}");
}
