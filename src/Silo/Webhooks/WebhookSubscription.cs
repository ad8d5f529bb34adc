namespace OrleansRecorder.Silo.Webhooks;

/// <summary>Where and which events to send. The secret signs each delivery; the API never returns it after creation.</summary>
internal sealed record WebhookSubscription(
    string Id,
    Uri Url,
    IReadOnlyList<string> Events,
    string Secret,
    bool Enabled,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool Wants(string eventType) => Enabled && Events.Contains(eventType, StringComparer.Ordinal);
}
