using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A time when one leg's peer sent no media by agreement (a re-INVITE or UPDATE with <c>a=inactive</c> or
/// <c>recvonly</c>: CUCM's hold), kept in <c>session.json</c> while recording and in the manifest once finalized.
/// </summary>
internal sealed record RecordingPause
{
    public const string HoldReason = "hold";

    /// <summary>An operator paused the recording (PCI DSS): audio came and was not written.</summary>
    public const string OperatorReason = "operator";
    public const string NearEndLeg = "nearEnd";
    public const string FarEndLeg = "farEnd";

    /// <summary><c>nearEnd</c> or <c>farEnd</c>, as the manifest names the legs.</summary>
    public required string Leg { get; init; }

    /// <summary>Why: <c>hold</c> or <c>operator</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>Who paused (an <c>operator</c> pause: user or API key name); null for a hold.</summary>
    public string? By { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the peer sent again; null while the pause lasts (the end of the recording closes it).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Where the pause starts in the audio (seconds from its first sample); set when finalized.</summary>
    public double? OffsetSeconds { get; init; }

    /// <summary>Its length (seconds); set when finalized.</summary>
    public double? DurationSeconds { get; init; }

    public static string LegName(LegRole role) => role == LegRole.NearEnd ? NearEndLeg : FarEndLeg;
}
