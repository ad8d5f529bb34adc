namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// The manifest's participants across a session's metadata snapshots (RFC 7865 §6.8): who is in it, which channel
/// carries whose voice, and when each joined and left.
/// </summary>
internal static class SiprecParticipantLedger
{
    /// <summary>
    /// The participants for the manifest: each with the channel carrying its voice and when it joined (associate-time,
    /// else now) and left (disassociate-time, or gone from a later complete snapshot).
    /// </summary>
    public static List<SiprecParticipantEntry> Participants(SiprecMetadata? metadata, IReadOnlyList<SiprecChannel> recorded,
        IReadOnlyList<SiprecParticipantEntry> previous, DateTimeOffset now)
    {
        var entries = new List<SiprecParticipantEntry>();
        foreach (var participant in metadata is null ? [] : SiprecStreamMapper.CallerFirst(metadata))
        {
            var before = previous.FirstOrDefault(p => p.Id == participant.Id);
            var channel = recorded.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.Participant?.Id == participant.Id);
            entries.Add(new SiprecParticipantEntry
            {
                Id = participant.Id,
                Aor = participant.Aor,
                Name = participant.Name,
                Number = participant.User,
                Channel = channel.c is null ? before?.Channel : channel.i,
                Label = channel.c?.Label ?? before?.Label,
                JoinedAt = before?.JoinedAt ?? participant.AssociatedAt ?? now,
                LeftAt = participant.DisassociatedAt ?? before?.LeftAt,
            });
        }

        foreach (var gone in previous.Where(p => entries.All(e => e.Id != p.Id)))
        {
            entries.Add(gone with { LeftAt = gone.LeftAt ?? now });
        }

        return entries;
    }

    /// <summary>A new metadata snapshot applied to the manifest's participants; the channels stay as recorded.</summary>
    public static SiprecRecordingInfo Updated(SiprecRecordingInfo info, SiprecMetadata metadata, DateTimeOffset now)
    {
        var recorded = info.Streams.Where(s => s.Channel is not null).OrderBy(s => s.Channel)
            .Select(s => new SiprecChannel(s.Label, -1, StreamSender(metadata, s.Label) ?? metadata.Participants.FirstOrDefault(p => p.Id == s.ParticipantId)))
            .ToList();
        return info with
        {
            Participants = Participants(metadata, recorded, info.Participants, now),
            Extensions = [.. info.Extensions, .. metadata.Extensions.Where(e => !info.Extensions.Contains(e))],
            OriginalCallId = info.OriginalCallId ?? metadata.OriginalCallId,
            OriginalFrom = info.OriginalFrom ?? metadata.OriginalFrom,
            OriginalTo = info.OriginalTo ?? metadata.OriginalTo,
        };
    }

    private static SiprecParticipant? StreamSender(SiprecMetadata metadata, string label) =>
        metadata.StreamForLabel(label) is { } stream ? metadata.SenderOf(stream.Id) : null;
}
