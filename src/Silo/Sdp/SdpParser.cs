using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// Parses SDP (RFC 4566). Tolerant where peers differ in practice: LF-only line ends, blank lines, trailing
/// whitespace, unknown line types and attributes (kept), a missing <c>s=</c> or <c>t=</c>. Strict where the result would
/// be meaningless: no <c>v=</c> first, no <c>o=</c>, no <c>m=</c>, a malformed <c>m=</c> or <c>c=</c>, a port outside 0..65535.
/// </summary>
internal static class SdpParser
{
    private const int MaxLength = 64 * 1024;

    public static SessionDescription Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            Fail($"SDP is longer than {MaxLength} bytes");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SdpParseException("SDP is not valid UTF-8", ex);
        }

        return Parse(text);
    }

    public static SessionDescription Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            Fail($"SDP is longer than {MaxLength} characters");
        }

        var session = new SessionBuilder();
        MediaBuilder? media = null;
        var sawVersion = false;
        var lineNumber = 0;

        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetter(line[0]))
            {
                Fail($"line {lineNumber} is not '<type>=<value>'");
            }

            var type = line[0];
            var value = line[2..];

            if (!sawVersion)
            {
                if (type != 'v')
                {
                    Fail("SDP does not start with v=");
                }

                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    Fail($"bad v= value '{value}'");
                }

                session.Version = version;
                sawVersion = true;
                continue;
            }

            if (type == 'm')
            {
                media = ParseMediaLine(value);
                session.Media.Add(media);
                continue;
            }

            if (media is null)
            {
                ParseSessionLine(session, type, value);
            }
            else
            {
                ParseMediaLevelLine(media, type, value);
            }
        }

        if (!sawVersion)
        {
            Fail("SDP has no v= line");
        }

        if (session.Origin is null)
        {
            Fail("SDP has no o= line");
        }

        if (session.Media.Count == 0)
        {
            Fail("SDP has no m= line");
        }

        var mediaList = new List<MediaDescription>(session.Media.Count);
        foreach (var builder in session.Media)
        {
            mediaList.Add(builder.Build());
        }

        return new SessionDescription
        {
            Version = session.Version,
            Origin = session.Origin,
            SessionName = session.SessionName ?? "-",
            Connection = session.Connection,
            Bandwidths = session.Bandwidths,
            Timings = session.Timings.Count == 0 ? ["0 0"] : session.Timings,
            Direction = session.Direction,
            Attributes = session.Attributes,
            OtherLines = session.OtherLines,
            Media = mediaList,
        };
    }

    private static void ParseSessionLine(SessionBuilder session, char type, string value)
    {
        switch (type)
        {
            case 'o':
                session.Origin = ParseOrigin(value);
                break;
            case 's':
                session.SessionName = value;
                break;
            case 'c':
                session.Connection = ParseConnection(value);
                break;
            case 'b':
                session.Bandwidths.Add(value);
                break;
            case 't':
                session.Timings.Add(value);
                break;
            case 'a':
                var (name, attributeValue) = SplitAttribute(value);
                if (TryParseDirection(name, attributeValue, out var direction))
                {
                    session.Direction = direction;
                }
                else
                {
                    session.Attributes.Add(new SdpAttribute(name, attributeValue));
                }

                break;
            default:
                session.OtherLines.Add(new SdpLine(type, value));
                break;
        }
    }

    private static void ParseMediaLevelLine(MediaBuilder media, char type, string value)
    {
        switch (type)
        {
            case 'c':
                media.Connection = ParseConnection(value);
                break;
            case 'b':
                media.Bandwidths.Add(value);
                break;
            case 'a':
                ParseMediaAttribute(media, value);
                break;
            default:
                media.OtherLines.Add(new SdpLine(type, value));
                break;
        }
    }

    private static void ParseMediaAttribute(MediaBuilder media, string line)
    {
        var (name, value) = SplitAttribute(line);
        if (TryParseDirection(name, value, out var direction))
        {
            media.Direction = direction;
            return;
        }

        if (value is not null)
        {
            if (name.Equals("rtpmap", StringComparison.OrdinalIgnoreCase) && TryParseRtpMap(value, out var rtpMap))
            {
                media.RtpMaps.Add(rtpMap);
                return;
            }

            if (name.Equals("fmtp", StringComparison.OrdinalIgnoreCase) && TryParseFormatParameters(value, out var fmtp))
            {
                media.FormatParameters.Add(fmtp);
                return;
            }

            // RFC 4566 gives ptime in milliseconds; a fractional value ("20.0") is rounded.
            if (name.Equals("ptime", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ptime)
                && ptime is > 0 and < 10_000)
            {
                media.PacketTimeMs = (int)Math.Round(ptime);
                return;
            }
        }

        media.Attributes.Add(new SdpAttribute(name, value));
    }

    private static bool TryParseDirection(string name, string? value, out MediaDirection direction)
    {
        direction = MediaDirection.SendRecv;
        if (value is not null)
        {
            return false;
        }

        if (name.Equals("sendrecv", StringComparison.OrdinalIgnoreCase))
        {
            direction = MediaDirection.SendRecv;
        }
        else if (name.Equals("sendonly", StringComparison.OrdinalIgnoreCase))
        {
            direction = MediaDirection.SendOnly;
        }
        else if (name.Equals("recvonly", StringComparison.OrdinalIgnoreCase))
        {
            direction = MediaDirection.RecvOnly;
        }
        else if (name.Equals("inactive", StringComparison.OrdinalIgnoreCase))
        {
            direction = MediaDirection.Inactive;
        }
        else
        {
            return false;
        }

        return true;
    }

    private static (string Name, string? Value) SplitAttribute(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (line, null) : (line[..colon], line[(colon + 1)..]);
    }

    /// <summary><c>&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;encoding parameters&gt;]</c>.</summary>
    private static bool TryParseRtpMap(string value, [NotNullWhen(true)] out RtpMapAttribute? rtpMap)
    {
        rtpMap = null;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !TryParsePayloadType(value[..space], out var payloadType))
        {
            return false;
        }

        var parts = value[(space + 1)..].Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clockRate) || clockRate <= 0)
        {
            return false;
        }

        int? channels = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedChannels) || parsedChannels <= 0)
            {
                return false;
            }

            channels = parsedChannels;
        }

        rtpMap = new RtpMapAttribute(payloadType, parts[0], clockRate, channels);
        return true;
    }

    private static bool TryParseFormatParameters(string value, [NotNullWhen(true)] out FormatParametersAttribute? fmtp)
    {
        fmtp = null;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var format = space < 0 ? value : value[..space];
        if (!TryParsePayloadType(format, out var payloadType))
        {
            return false;
        }

        fmtp = new FormatParametersAttribute(payloadType, space < 0 ? string.Empty : value[(space + 1)..].Trim());
        return true;
    }

    private static bool TryParsePayloadType(string text, out int payloadType) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out payloadType) && payloadType <= 127;

    private static SdpOrigin ParseOrigin(string value)
    {
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            Fail($"o= has {fields.Length} fields instead of 6");
        }

        return new SdpOrigin(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    private static SdpConnection ParseConnection(string value)
    {
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 3)
        {
            Fail($"c= has {fields.Length} fields instead of 3");
        }

        return new SdpConnection(fields[0], fields[1], fields[2]);
    }

    /// <summary><c>m=&lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ...</c>.</summary>
    private static MediaBuilder ParseMediaLine(string value)
    {
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            Fail($"m= has {fields.Length} fields, at least 3 expected");
        }

        var portText = fields[1];
        int? portCount = null;
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!int.TryParse(portText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
            {
                Fail($"bad port count in m= '{portText}'");
            }

            portCount = count;
            portText = portText[..slash];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            Fail($"bad port in m= '{portText}'");
        }

        return new MediaBuilder
        {
            MediaType = fields[0],
            Port = port,
            PortCount = portCount,
            Protocol = fields[2],
            Formats = fields[3..],
        };
    }

    [DoesNotReturn]
    private static void Fail(string message) => throw new SdpParseException(message);

    private sealed class SessionBuilder
    {
        public int Version { get; set; }

        public SdpOrigin? Origin { get; set; }

        public string? SessionName { get; set; }

        public SdpConnection? Connection { get; set; }

        public List<string> Bandwidths { get; } = [];

        public List<string> Timings { get; } = [];

        public MediaDirection? Direction { get; set; }

        public List<SdpAttribute> Attributes { get; } = [];

        public List<SdpLine> OtherLines { get; } = [];

        public List<MediaBuilder> Media { get; } = [];
    }

    private sealed class MediaBuilder
    {
        public required string MediaType { get; init; }

        public required int Port { get; init; }

        public int? PortCount { get; init; }

        public required string Protocol { get; init; }

        public required string[] Formats { get; init; }

        public SdpConnection? Connection { get; set; }

        public List<string> Bandwidths { get; } = [];

        public List<RtpMapAttribute> RtpMaps { get; } = [];

        public List<FormatParametersAttribute> FormatParameters { get; } = [];

        public int? PacketTimeMs { get; set; }

        public MediaDirection? Direction { get; set; }

        public List<SdpAttribute> Attributes { get; } = [];

        public List<SdpLine> OtherLines { get; } = [];

        public MediaDescription Build() => new()
        {
            MediaType = MediaType,
            Port = Port,
            PortCount = PortCount,
            Protocol = Protocol,
            Formats = Formats,
            Connection = Connection,
            Bandwidths = Bandwidths,
            RtpMaps = RtpMaps,
            FormatParameters = FormatParameters,
            PacketTimeMs = PacketTimeMs,
            Direction = Direction,
            Attributes = Attributes,
            OtherLines = OtherLines,
        };
    }
}
