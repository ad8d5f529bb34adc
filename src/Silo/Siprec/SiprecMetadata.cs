namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// What a recording session's metadata (RFC 7865) says, read leniently by <see cref="SiprecMetadataParser"/>.
/// </summary>
internal sealed record SiprecMetadata
{
    /// <summary><c>session_id</c> of the first <c>&lt;session&gt;</c> (or its older <c>id</c>).</summary>
    public string? SessionId { get; init; }

    /// <summary>The recorded call's Session-ID (RFC 7989), from <c>&lt;sipSessionID&gt;</c>.</summary>
    public string? SipSessionId { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    /// <summary>
    /// RFC 7865 (PROTOCOL.md §3.2): <c>&lt;datamode&gt;partial&lt;/datamode&gt;</c>, the document carries only what changed; a
    /// participant it leaves out has not left. Complete (the default) is a whole snapshot.
    /// </summary>
    public bool Partial { get; init; }

    /// <summary>The session's <c>&lt;stop-time&gt;</c> or <c>&lt;end-time&gt;</c> (the final metadata, in a BYE).</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Participants in document order (Cisco: "the first participant will always be the anchor leg").</summary>
    public IReadOnlyList<SiprecParticipant> Participants { get; init; } = [];

    public IReadOnlyList<SiprecStream> Streams { get; init; } = [];

    /// <summary>The recorded call's own Call-ID, From and To found in vendor data (Ribbon <c>callData</c>, Acme extensions).</summary>
    public string? OriginalCallId { get; init; }

    public string? OriginalFrom { get; init; }

    public string? OriginalTo { get; init; }

    public IReadOnlyList<SiprecExtension> Extensions { get; init; } = [];

    /// <summary>The stream id an SDP label names, null when no stream has it.</summary>
    public SiprecStream? StreamForLabel(string label) =>
        Streams.FirstOrDefault(s => string.Equals(s.Label, label, StringComparison.Ordinal));

    /// <summary>The participant that sends <paramref name="streamId"/>, null when none or several claim it.</summary>
    public SiprecParticipant? SenderOf(string streamId)
    {
        SiprecParticipant? sender = null;
        foreach (var participant in Participants)
        {
            if (participant.Sends.Contains(streamId, StringComparer.Ordinal))
            {
                if (sender is not null)
                {
                    return null;
                }

                sender = participant;
            }
        }

        return sender;
    }
}
