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
        if (metadata is { Partial: true } && previous.Count > 0)
        {
            // RFC 7865 datamode partial: a document carries only what changed; whoever it leaves out is still there, and
            // what it leaves out of a participant (its AOR, its name) is still as it was.
            var merged = previous.Select(p => metadata.Participants.FirstOrDefault(c => c.Id == p.Id) is { } changed
                ? Entry(changed, recorded, p, now)
                : p).ToList();
            merged.AddRange(metadata.Participants.Where(c => previous.All(p => p.Id != c.Id)).Select(c => Entry(c, recorded, null, now)));
            return merged;
        }

        var entries = new List<SiprecParticipantEntry>();
        foreach (var participant in metadata is null ? [] : SiprecStreamMapper.CallerFirst(metadata))
        {
            entries.Add(Entry(participant, recorded, previous.FirstOrDefault(p => p.Id == participant.Id), now));
        }

        foreach (var gone in previous.Where(p => entries.All(e => e.Id != p.Id)))
        {
            entries.Add(gone with { LeftAt = gone.LeftAt ?? now });
        }

        return entries;
    }

    private static SiprecParticipantEntry Entry(SiprecParticipant participant, IReadOnlyList<SiprecChannel> recorded, SiprecParticipantEntry? before,
        DateTimeOffset now)
    {
        var channel = recorded.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.Participant?.Id == participant.Id);
        return new SiprecParticipantEntry
        {
            Id = participant.Id,
            Aor = participant.Aor ?? before?.Aor,
            Name = participant.Name ?? before?.Name,
            Number = participant.User ?? before?.Number,
            Channel = channel.c is null ? before?.Channel : channel.i,
            Label = channel.c?.Label ?? before?.Label,
            JoinedAt = before?.JoinedAt ?? participant.AssociatedAt ?? now,
            LeftAt = participant.DisassociatedAt ?? before?.LeftAt,
        };
    }

    /// <summary>A new metadata snapshot applied to the manifest's participants; the channels stay as recorded.</summary>
    public static SiprecRecordingInfo Updated(SiprecRecordingInfo info, SiprecMetadata metadata, DateTimeOffset now)
    {
        var recorded = info.Streams.Where(s => s.Channel is not null).OrderBy(s => s.Channel)
            .Select(s => new SiprecChannel(s.Label, -1, StreamSender(metadata, s.Label) ?? metadata.Participants.FirstOrDefault(p => p.Id == s.ParticipantId)))
            .ToList();
        var participants = Participants(metadata, recorded, info.Participants, now);
        if (metadata.EndTime is { } end)
        {
            // The session's stop-time (the final metadata, in a BYE): whoever was still in left then.
            participants = [.. participants.Select(p => p.LeftAt is null ? p with { LeftAt = end } : p)];
        }

        return info with
        {
            Participants = participants,
            Extensions = [.. info.Extensions, .. metadata.Extensions.Where(e => !info.Extensions.Contains(e))],
            OriginalCallId = info.OriginalCallId ?? metadata.OriginalCallId,
            OriginalFrom = info.OriginalFrom ?? metadata.OriginalFrom,
            OriginalTo = info.OriginalTo ?? metadata.OriginalTo,
        };
    }

    private static SiprecParticipant? StreamSender(SiprecMetadata metadata, string label) =>
        metadata.StreamForLabel(label) is { } stream ? metadata.SenderOf(stream.Id) : null;
}
