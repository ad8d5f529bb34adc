using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Web;

/// <summary>A recording as the REST API shows it (ARCHITECTURE.md, "REST API").</summary>
internal sealed record RecordingDto(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    PartyDto NearEnd,
    PartyDto FarEnd,
    string? Refci,
    string? Profile,
    string? Codec,
    string Format,
    long SizeBytes,
    string Sha256,
    string RecordedBy,
    IReadOnlyList<string> Replicas,
    string Status,
    IReadOnlyList<string> Flags,
    RecordingManifest? Manifest)
{
    /// <summary>
    /// Every leg of the recording was received over secure signalling (SIP over TLS): the manifest's per-leg
    /// <c>signallingTransport</c> is <c>tls</c> for each leg that has one, and at least one has.
    /// </summary>
    public bool SecureSignalling { get; init; }

    /// <summary>The call this recording is part of (<see cref="Catalog.RecordingGroups"/>): the id of its first recording.</summary>
    public string? GroupId { get; init; }

    /// <summary>1-based place of this recording in its call, in start order.</summary>
    public int Part { get; init; } = 1;

    /// <summary>How many recordings the call has.</summary>
    public int Parts { get; init; } = 1;

    /// <summary>Holds inside this recording (leg, reason, offset and length in the audio).</summary>
    public IReadOnlyList<RecordingPause> Pauses { get; init; } = [];

    /// <summary>DTMF digits pressed during the call (digit null when masked), placed in the audio.</summary>
    public IReadOnlyList<RecordingDtmf> Dtmf { get; init; } = [];

    /// <summary>The gap ledger: each channel's intervals without audio from its party, with why (channel 0 = left).</summary>
    public IReadOnlyList<RecordingGap> Gaps { get; init; } = [];

    /// <summary>The audio's sample rate (8000, or 16000 for a wideband call).</summary>
    public int SampleRate { get; init; } = SegmentFinalizer.SampleRate;

    /// <summary>Channels in the audio: 2 for a call; a SIPREC session's 1 (one mixed stream) or one per stream.</summary>
    public int Channels { get; init; } = 2;

    /// <summary>A SIPREC session's participants and which channel is whose; null for CUCM calls.</summary>
    public IReadOnlyList<ParticipantDto>? Participants { get; init; }

    /// <summary>With <c>groupBy=call</c>: every part of the call the caller may see, in order; null otherwise.</summary>
    public IReadOnlyList<RecordingPartDto>? GroupParts { get; init; }

    /// <summary>Adds the recording's place in its call; left as a group of one when the catalog has no group for it.</summary>
    public RecordingDto WithPosition(Catalog.RecordingGroupPosition? position) => position is null
        ? this with { GroupId = Id }
        : this with { GroupId = position.GroupId, Part = position.Part, Parts = position.Parts };

    /// <summary>The REST shape; <paramref name="withManifest"/> adds the whole manifest (per-leg codec, first packet, packet statistics, gaps).</summary>
    public static RecordingDto From(RecordingManifest manifest, bool withManifest = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var codec = manifest.NearEnd.Codec ?? manifest.FarEnd.Codec;
        return new RecordingDto(
            manifest.Id,
            manifest.StartedAt,
            manifest.EndedAt,
            manifest.DurationSeconds,
            new PartyDto(manifest.NearEnd.Number, manifest.NearEnd.Device),
            new PartyDto(manifest.FarEnd.Number, manifest.FarEnd.Device),
            manifest.RefCi,
            manifest.Profile,
            codec?.ToString().ToUpperInvariant(),
            manifest.Format,
            manifest.SizeBytes,
            manifest.Sha256,
            manifest.RecordedBy,
            // Where it was recorded; the endpoints replace this with the replica locator's answer (nodes and "shared").
            [manifest.RecordedBy],
            manifest.Status.ToString().ToLowerInvariant(),
            manifest.Flags,
            withManifest ? manifest : null)
        {
            Pauses = manifest.Pauses,
            SecureSignalling = IsSecure(manifest),
            Dtmf = manifest.Dtmf,
            Gaps = manifest.Gaps,
            SampleRate = manifest.SampleRate,
            Channels = manifest.Channels,
            Participants = manifest.Siprec is { } siprec ? [.. siprec.Participants.Select(p => ParticipantDto.From(p, manifest.Channels))] : null,
        };
    }

    private static bool IsSecure(RecordingManifest manifest)
    {
        string?[] transports = [manifest.NearEnd.SignallingTransport, manifest.FarEnd.SignallingTransport];
        return transports.Any(t => t is not null) && transports.All(t => t is null or "tls");
    }
}
