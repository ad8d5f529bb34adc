namespace OrleansRecorder.Silo.Siprec;

/// <summary>A <c>&lt;participant&gt;</c> of the metadata (RFC 7865 §6.5) with what it sends and receives.</summary>
internal sealed record SiprecParticipant
{
    /// <summary><c>participant_id</c> (or the older <c>id</c>); a made-up one when the element had none.</summary>
    public required string Id { get; init; }

    /// <summary>The AOR as written (<c>sip:3478@host</c>, or without the scheme as Ribbon writes it).</summary>
    public string? Aor { get; init; }

    /// <summary>The display name (<c>&lt;name&gt;</c> of <c>&lt;nameID&gt;</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Stream ids this participant sends (<c>&lt;send&gt;</c> in participantstreamassoc or participant).</summary>
    public IReadOnlyList<string> Sends { get; init; } = [];

    /// <summary>Stream ids this participant receives.</summary>
    public IReadOnlyList<string> Receives { get; init; } = [];

    /// <summary>RFC 7865 §6.8 associate-time (participantsessionassoc, or in the participant in older drafts).</summary>
    public DateTimeOffset? AssociatedAt { get; init; }

    /// <summary>RFC 7865 §6.8 disassociate-time: the participant left.</summary>
    public DateTimeOffset? DisassociatedAt { get; init; }

    /// <summary>The user part of <see cref="Aor"/> (the number), what recording users and the number search match.</summary>
    public string? User => SiprecAor.UserOf(Aor);
}
