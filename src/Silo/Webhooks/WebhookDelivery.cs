namespace OrleansRecorder.Silo.Webhooks;

/// <summary>One event for one subscription: the outbox row and its delivery log entry.</summary>
internal sealed record WebhookDelivery(
    long DeliveryId,
    string SubscriptionId,
    string EventId,
    string EventType,
    string Payload,
    DateTimeOffset CreatedAt,
    WebhookDeliveryState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    int? LastStatus,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    string? SentBy);
