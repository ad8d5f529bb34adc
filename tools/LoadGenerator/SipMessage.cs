using System.Globalization;
using System.Text;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// The few fields of a SIP message the UAC needs (status or method, Call-ID, CSeq, To, Contact, Via, From, body).
/// A deliberately small parser: the recorder's own parser is what is under test, not this one.
/// </summary>
internal sealed class SipMessage
{
    public int StatusCode { get; private init; }
    public string? RequestMethod { get; private init; }
    public string CallId { get; private init; } = "";
    public string CSeqMethod { get; private init; } = "";
    public string To { get; private init; } = "";
    public string From { get; private init; } = "";
    public string? Contact { get; private init; }
    public IReadOnlyList<string> Vias { get; private init; } = [];
    public string CSeq { get; private init; } = "";
    public string Body { get; private init; } = "";

    public bool IsRequest => RequestMethod is not null;

    public static SipMessage? TryParse(ReadOnlySpan<byte> datagram)
    {
        var text = Encoding.UTF8.GetString(datagram);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            return null;
        }

        var lines = text[..headerEnd].Split("\r\n");
        var start = lines[0];
        int status = 0;
        string? method = null;
        if (start.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
        {
            if (start.Length < 11 || !int.TryParse(start.AsSpan(8, 3), NumberStyles.None, CultureInfo.InvariantCulture, out status))
            {
                return null;
            }
        }
        else
        {
            var space = start.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                return null;
            }

            method = start[..space];
        }

        string callId = "", cseq = "", to = "", from = "";
        string? contact = null;
        var vias = new List<string>();
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            switch (name.ToUpperInvariant())
            {
                case "CALL-ID" or "I": callId = value; break;
                case "CSEQ": cseq = value; break;
                case "TO" or "T": to = value; break;
                case "FROM" or "F": from = value; break;
                case "CONTACT" or "M": contact ??= value; break;
                case "VIA" or "V": vias.Add(value); break;
                default: break;
            }
        }

        var cseqSpace = cseq.IndexOf(' ', StringComparison.Ordinal);
        return new SipMessage
        {
            StatusCode = status,
            RequestMethod = method,
            CallId = callId,
            CSeq = cseq,
            CSeqMethod = cseqSpace < 0 ? "" : cseq[(cseqSpace + 1)..].Trim(),
            To = to,
            From = from,
            Contact = contact,
            Vias = vias,
            Body = text[(headerEnd + 4)..],
        };
    }

    /// <summary>The URI inside the Contact header's angle brackets (the remote target, RFC 3261 §12.1.2).</summary>
    public string? ContactUri()
    {
        if (Contact is null)
        {
            return null;
        }

        var open = Contact.IndexOf('<', StringComparison.Ordinal);
        var close = Contact.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open ? Contact[(open + 1)..close] : Contact.Split(';')[0];
    }

    /// <summary>Connection address and port of the first audio stream of the SDP body.</summary>
    public bool TryGetAudioAddress(out string address, out int port)
    {
        address = "";
        port = 0;
        foreach (var raw in Body.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("c=IN IP4 ", StringComparison.Ordinal) && address.Length == 0)
            {
                address = line[9..].Trim();
            }
            else if (line.StartsWith("m=audio ", StringComparison.Ordinal) && port == 0)
            {
                var parts = line.Split(' ');
                _ = int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out port);
            }
        }

        return address.Length > 0 && port > 0;
    }
}
