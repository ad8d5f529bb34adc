namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// Ties the offer's recorded m-lines to participants. RFC 7865 §6.7: a <c>&lt;stream&gt;</c>'s <c>&lt;label&gt;</c>
/// equals the m-line's <c>a=label</c> (RFC 4574), and <c>&lt;send&gt;</c> names who speaks on it. Implementers report
/// SRCs that send no streams (older OpenSIPS), labels no stream names, or two streams claimed by one sender; then the
/// m-line order stands, with participants in document order, and the manifest says so.
/// </summary>
internal static class SiprecStreamMapper
{
    /// <param name="media">The recorded m-lines: index in the SDP and label (the index as text when it had none).</param>
    /// <param name="metadata">The metadata, null when missing or unreadable.</param>
    public static SiprecStreamMap Map(IReadOnlyList<(int Index, string Label)> media, SiprecMetadata? metadata)
    {
        ArgumentNullException.ThrowIfNull(media);
        var participants = metadata is null ? [] : CallerFirst(metadata);
        if (metadata is not null && media.Count > 0)
        {
            var senders = new List<SiprecParticipant>(media.Count);
            foreach (var (_, label) in media)
            {
                if (metadata.StreamForLabel(label) is { } stream && metadata.SenderOf(stream.Id) is { } sender && !senders.Contains(sender))
                {
                    senders.Add(sender);
                }
            }

            if (senders.Count == media.Count)
            {
                // Channel order follows the participants (caller first), not the m-lines: the caller is left whichever
                // label it was given.
                var channels = media.Select((m, i) => new SiprecChannel(m.Label, m.Index, senders[i]))
                    .OrderBy(c => participants.IndexOf(c.Participant!))
                    .ToList();
                return new SiprecStreamMap(channels, SiprecStreamMap.ByMetadata);
            }
        }

        return new SiprecStreamMap(
            [.. media.Select((m, i) => new SiprecChannel(m.Label, m.Index, i < participants.Count ? participants[i] : null))],
            SiprecStreamMap.ByOrder);
    }

    /// <summary>
    /// Participants with the caller first: the one whose number is the recorded call's original From when vendor data
    /// gives it, otherwise document order (Cisco: the first participant is the anchor, calling, leg).
    /// </summary>
    public static List<SiprecParticipant> CallerFirst(SiprecMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var ordered = metadata.Participants.ToList();
        if (SiprecAor.UserOf(metadata.OriginalFrom) is { } caller
            && ordered.FindIndex(p => string.Equals(p.User, caller, StringComparison.OrdinalIgnoreCase)) is > 0 and var index)
        {
            var first = ordered[index];
            ordered.RemoveAt(index);
            ordered.Insert(0, first);
        }

        return ordered;
    }
}
