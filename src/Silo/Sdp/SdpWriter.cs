using System.Globalization;
using System.Text;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>Writes a <see cref="SessionDescription"/> as SDP text with CRLF line ends, in the line order of RFC 4566 §5.</summary>
internal static class SdpWriter
{
    private const string SessionHeaderLineTypes = "iuep";
    private const string TimeLineTypes = "rz";

    public static string Write(SessionDescription sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var builder = new StringBuilder(512);

        Line(builder, 'v', sdp.Version.ToString(CultureInfo.InvariantCulture));
        var origin = sdp.Origin;
        Line(builder, 'o', $"{origin.UserName} {origin.SessionId} {origin.SessionVersion} {origin.NetworkType} {origin.AddressType} {origin.Address}");
        Line(builder, 's', sdp.SessionName.Length == 0 ? "-" : sdp.SessionName);
        WriteOtherLines(builder, sdp.OtherLines, SessionHeaderLineTypes, include: true);
        WriteConnection(builder, sdp.Connection);
        foreach (var bandwidth in sdp.Bandwidths)
        {
            Line(builder, 'b', bandwidth);
        }

        foreach (var timing in sdp.Timings)
        {
            Line(builder, 't', timing);
        }

        WriteOtherLines(builder, sdp.OtherLines, TimeLineTypes, include: true);
        WriteOtherLines(builder, sdp.OtherLines, SessionHeaderLineTypes + TimeLineTypes, include: false);
        WriteAttributes(builder, sdp.Attributes);
        WriteDirection(builder, sdp.Direction);

        foreach (var media in sdp.Media)
        {
            WriteMedia(builder, media);
        }

        return builder.ToString();
    }

    private static void WriteMedia(StringBuilder builder, MediaDescription media)
    {
        builder.Append("m=").Append(media.MediaType).Append(' ').Append(media.Port.ToString(CultureInfo.InvariantCulture));
        if (media.PortCount is { } portCount)
        {
            builder.Append('/').Append(portCount.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(' ').Append(media.Protocol);
        foreach (var format in media.Formats)
        {
            builder.Append(' ').Append(format);
        }

        builder.Append("\r\n");
        WriteOtherLines(builder, media.OtherLines, "i", include: true);
        WriteConnection(builder, media.Connection);
        foreach (var bandwidth in media.Bandwidths)
        {
            Line(builder, 'b', bandwidth);
        }

        WriteOtherLines(builder, media.OtherLines, "i", include: false);

        foreach (var rtpMap in media.RtpMaps)
        {
            builder.Append("a=rtpmap:").Append(rtpMap.PayloadType.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(rtpMap.EncodingName).Append('/').Append(rtpMap.ClockRate.ToString(CultureInfo.InvariantCulture));
            if (rtpMap.Channels is { } channels)
            {
                builder.Append('/').Append(channels.ToString(CultureInfo.InvariantCulture));
            }

            builder.Append("\r\n");
        }

        foreach (var fmtp in media.FormatParameters)
        {
            builder.Append("a=fmtp:").Append(fmtp.PayloadType.ToString(CultureInfo.InvariantCulture));
            if (fmtp.Parameters.Length > 0)
            {
                builder.Append(' ').Append(fmtp.Parameters);
            }

            builder.Append("\r\n");
        }

        if (media.PacketTimeMs is { } ptime)
        {
            Line(builder, 'a', "ptime:" + ptime.ToString(CultureInfo.InvariantCulture));
        }

        WriteAttributes(builder, media.Attributes);
        WriteDirection(builder, media.Direction);
    }

    private static void WriteConnection(StringBuilder builder, SdpConnection? connection)
    {
        if (connection is not null)
        {
            Line(builder, 'c', $"{connection.NetworkType} {connection.AddressType} {connection.Address}");
        }
    }

    private static void WriteAttributes(StringBuilder builder, IReadOnlyList<SdpAttribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            builder.Append("a=").Append(attribute.Name);
            if (attribute.Value is not null)
            {
                builder.Append(':').Append(attribute.Value);
            }

            builder.Append("\r\n");
        }
    }

    private static void WriteDirection(StringBuilder builder, MediaDirection? direction)
    {
        if (direction is { } value)
        {
            Line(builder, 'a', DirectionText(value));
        }
    }

    public static string DirectionText(MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    private static void WriteOtherLines(StringBuilder builder, IReadOnlyList<SdpLine> lines, string types, bool include)
    {
        foreach (var line in lines)
        {
            if (types.Contains(line.Type, StringComparison.Ordinal) == include)
            {
                Line(builder, line.Type, line.Value);
            }
        }
    }

    private static void Line(StringBuilder builder, char type, string value) =>
        builder.Append(type).Append('=').Append(value).Append("\r\n");
}
