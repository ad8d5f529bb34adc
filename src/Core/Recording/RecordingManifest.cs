using System.Text.Json.Serialization;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// The JSON document stored beside each recording (<c>{id}.json</c>) and in the catalog. The catalog can always be
/// rebuilt from these.
/// </summary>
internal sealed record RecordingManifest
{
    public required string Id { get; init; }

    [JsonPropertyName("refci")]
    public string? RefCi { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>Length of the audio (sample frames / <see cref="SampleRate"/>).</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>
    /// The audio's sample rate, both channels: 16000 when a leg was wideband (G.722, Opus; the other leg upsampled),
    /// else 8000. Manifests written before issue #13 lack it and were 8000.
    /// </summary>
    public int SampleRate { get; init; } = 8000;

    /// <summary>Left channel.</summary>
    public required RecordingParty NearEnd { get; init; }

    /// <summary>Right channel.</summary>
    public required RecordingParty FarEnd { get; init; }

    /// <summary>
    /// Channels in the audio: 2 (left = near end, right = far end); a SIPREC session's 1 (one mixed stream) or one per
    /// stream. Manifests written before SIPREC sessions had more than two lack it and were 2.
    /// </summary>
    public int Channels { get; init; } = 2;

    /// <summary>Channels 2 and on (a SIPREC session's third stream and more), each with its channel and label; null for calls.</summary>
    public IReadOnlyList<RecordingParty>? ExtraChannels { get; init; }

    /// <summary>Recording profile (Request-URI user).</summary>
    public string? Profile { get; init; }

    /// <summary>Audio format: <c>wav</c>.</summary>
    public required string Format { get; init; }

    public required long SizeBytes { get; init; }

    /// <summary>SHA-256 of the audio file as stored (the ciphertext when encrypted), lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Null: the audio is stored plain. Otherwise how it is encrypted (docs/ENCRYPTION.md).</summary>
    public Encryption.RecordingEncryptionInfo? Encryption { get; init; }

    public required string RecordedBy { get; init; }

    public required RecordingStatus Status { get; init; }

    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>Holds within the recording (a leg's peer sent no media by agreement), oldest first, all closed.</summary>
    public IReadOnlyList<RecordingPause> Pauses { get; init; } = [];

    /// <summary>
    /// The gap ledger: every interval of each channel without audio from its party, with why (<see cref="RecordingGap"/>).
    /// Empty in manifests written before issue #15's ledger.
    /// </summary>
    public IReadOnlyList<RecordingGap> Gaps { get; init; } = [];

    /// <summary>
    /// The call's length in samples at <see cref="SampleRate"/>, which each channel's received audio plus its gaps make
    /// exactly. Null in manifests written before the gap ledger.
    /// </summary>
    public long? CallSamples { get; init; }

    /// <summary>DTMF digits (RFC 4733 events) in the order they ended, placed in the audio; digits null when masked.</summary>
    public IReadOnlyList<RecordingDtmf> Dtmf { get; init; } = [];

    /// <summary>All CUCM metadata as received.</summary>
    public CucmMetadata? Cucm { get; init; }

    /// <summary>SIPREC sessions: participants, which channel is whose, stream mapping, vendor data (null for CUCM calls).</summary>
    public Siprec.SiprecRecordingInfo? Siprec { get; init; }

    /// <summary>
    /// The node's signature over everything above and the recording's place in its chain (docs/TAMPER_EVIDENCE.md);
    /// null in manifests written before signing. New members must be left out of the JSON at their default value, or
    /// the seals of older manifests no longer verify.
    /// </summary>
    public Integrity.ManifestSeal? Seal { get; init; }
}
