namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// A parsed or composed session description (RFC 4566). Immutable once built; <see cref="SdpParser"/> builds it from
/// text and <see cref="SdpWriter"/> writes it back with CRLF line ends.
/// </summary>
internal sealed class SessionDescription
{
    /// <summary><c>v=</c>, always 0.</summary>
    public int Version { get; init; }

    public required SdpOrigin Origin { get; init; }

    /// <summary><c>s=</c>; <c>-</c> when there is nothing to say.</summary>
    public string SessionName { get; init; } = "-";

    /// <summary>The session-level <c>c=</c>.</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary>Raw session-level <c>b=</c> values.</summary>
    public IReadOnlyList<string> Bandwidths { get; init; } = [];

    /// <summary>The <c>t=</c> value(s), <c>0 0</c> for an unbounded session.</summary>
    public IReadOnlyList<string> Timings { get; init; } = ["0 0"];

    /// <summary>The session-level direction attribute; null when absent.</summary>
    public MediaDirection? Direction { get; init; }

    /// <summary>Other session-level attributes, in order.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>Other session-level lines (<c>i=</c>, <c>u=</c>, <c>e=</c>, <c>p=</c>, <c>r=</c>, <c>z=</c>, <c>k=</c>, unknown letters).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init; } = [];

    public required IReadOnlyList<MediaDescription> Media { get; init; }

    /// <summary>The direction that applies to <paramref name="media"/>: its own, else the session's, else sendrecv (RFC 3264 §5.1).</summary>
    public MediaDirection EffectiveDirection(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Direction ?? Direction ?? MediaDirection.SendRecv;
    }

    /// <summary>The connection that applies to <paramref name="media"/>: its own, else the session's.</summary>
    public SdpConnection? EffectiveConnection(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Connection ?? Connection;
    }
}
