namespace OrleansRecorder.Abstractions.Calls;

/// <summary>The call grain's answer to a leg offer: which recording the leg belongs to.</summary>
/// <param name="RecordingId">The recording this leg is written into.</param>
/// <param name="IsNewRecording">True when this leg opened a new recording (it needs a channel), false when it joined its partner's.</param>
[GenerateSerializer, Immutable, Alias("leg-assignment")]
public sealed record LegAssignment(
    [property: Id(0)] string RecordingId,
    [property: Id(1)] bool IsNewRecording);
