namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// The recording session's part of <c>session.json</c> and the manifest: participants and which channel is whose,
/// how streams were mapped, the recorded call's identity from vendor data, and the metadata elements kept as they came.
/// </summary>
internal sealed record SiprecRecordingInfo
{
    /// <summary>Metadata <c>session_id</c>.</summary>
    public string? SessionId { get; init; }

    public string? SipSessionId { get; init; }

    /// <summary><c>application/rs-metadata+xml</c>, or the legacy <c>application/rs-metadata</c>; null when none came.</summary>
    public string? MetadataContentType { get; init; }

    /// <summary><see cref="SiprecStreamMap.ByMetadata"/> or <see cref="SiprecStreamMap.ByOrder"/>.</summary>
    public required string StreamMapping { get; init; }

    /// <summary>Why there was no usable metadata (<c>absent</c>, <c>malformed-xml</c>...), null when there was.</summary>
    public string? MetadataProblem { get; init; }

    /// <summary>Channels of the recording file (1 for a single mixed stream, 2 for a two-stream session).</summary>
    public int Channels { get; init; }

    public string? OriginalCallId { get; init; }

    public string? OriginalFrom { get; init; }

    public string? OriginalTo { get; init; }

    public IReadOnlyList<SiprecParticipantEntry> Participants { get; init; } = [];

    public IReadOnlyList<SiprecStreamEntry> Streams { get; init; } = [];

    public IReadOnlyList<SiprecExtension> Extensions { get; init; } = [];

    /// <summary>The recording's flags from the session: <c>metadata-missing</c>, <c>streams-not-recorded</c>.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}
