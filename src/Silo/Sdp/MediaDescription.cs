using System.Globalization;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// One media section (<c>m=</c> and the lines after it, RFC 4566 §5.14). <c>rtpmap</c>, <c>fmtp</c>, <c>ptime</c> and the
/// direction attributes have typed properties; every other attribute is kept in <see cref="Attributes"/>.
/// </summary>
internal sealed class MediaDescription
{
    /// <summary><c>audio</c>, <c>video</c>, <c>application</c>, ...</summary>
    public required string MediaType { get; init; }

    /// <summary>The transport port; 0 rejects or disables the stream (RFC 3264 §6).</summary>
    public required int Port { get; init; }

    /// <summary>The optional <c>/&lt;number of ports&gt;</c> after the port.</summary>
    public int? PortCount { get; init; }

    /// <summary><c>RTP/AVP</c>, <c>RTP/SAVP</c>, ...</summary>
    public required string Protocol { get; init; }

    /// <summary>The format list as written; payload type numbers for RTP profiles.</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary>The media-level <c>c=</c>, which overrides the session-level one.</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary>Raw <c>b=</c> values (<c>TIAS:64000</c>).</summary>
    public IReadOnlyList<string> Bandwidths { get; init; } = [];

    public IReadOnlyList<RtpMapAttribute> RtpMaps { get; init; } = [];

    public IReadOnlyList<FormatParametersAttribute> FormatParameters { get; init; } = [];

    /// <summary><c>a=ptime</c> in milliseconds.</summary>
    public int? PacketTimeMs { get; init; }

    /// <summary>The media-level direction attribute; null when absent (then the session level applies, else sendrecv).</summary>
    public MediaDirection? Direction { get; init; }

    /// <summary>Other attributes, in order.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>Other lines (<c>i=</c>, <c>k=</c>, unknown letters), in order.</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init; } = [];

    /// <summary>The numeric entries of <see cref="Formats"/> (RTP payload types), in order.</summary>
    public IReadOnlyList<int> PayloadTypes
    {
        get
        {
            var list = new List<int>(Formats.Count);
            foreach (var format in Formats)
            {
                if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType) && payloadType <= 127)
                {
                    list.Add(payloadType);
                }
            }

            return list;
        }
    }

    public RtpMapAttribute? FindRtpMap(int payloadType)
    {
        foreach (var rtpMap in RtpMaps)
        {
            if (rtpMap.PayloadType == payloadType)
            {
                return rtpMap;
            }
        }

        return null;
    }

    public string? FindFormatParameters(int payloadType)
    {
        foreach (var fmtp in FormatParameters)
        {
            if (fmtp.PayloadType == payloadType)
            {
                return fmtp.Parameters;
            }
        }

        return null;
    }
}
