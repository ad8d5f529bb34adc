namespace OrleansRecorder.Silo.Webhooks;

/// <summary>The event types a subscription can ask for (the <c>type</c> of each delivery's body).</summary>
internal static class WebhookEventTypes
{
    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string RecordingCompleted = "recording.completed";
    public const string RecordingDeleted = "recording.deleted";
    public const string Alarm = "alarm";

    public static IReadOnlyList<string> All { get; } = [CallStarted, CallEnded, RecordingCompleted, RecordingDeleted, Alarm];

    public static bool IsKnown(string? type) => type is not null && All.Contains(type, StringComparer.Ordinal);
}
