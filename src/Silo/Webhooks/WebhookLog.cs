namespace OrleansRecorder.Silo.Webhooks;

/// <summary>Webhook logs (EventIds 17000–17099). Written per event and attempt, never per packet.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(17000, LogLevel.Warning, "Webhook event {EventId} dropped: {Capacity} events already wait for the cluster database")]
    public static partial void Dropped(ILogger logger, string eventId, int capacity);

    [LoggerMessage(17001, LogLevel.Error, "Webhook event {Type} {Key} could not be built; the call or recording is not affected")]
    public static partial void PublishFailed(ILogger logger, string type, string key, Exception exception);

    [LoggerMessage(17002, LogLevel.Debug, "Webhook event {EventId} queued for {Deliveries} subscriptions")]
    public static partial void Queued(ILogger logger, string eventId, int deliveries);

    [LoggerMessage(17003, LogLevel.Warning, "Webhook event {EventId} waits: the outbox could not be written; retrying")]
    public static partial void OutboxWriteFailed(ILogger logger, string eventId, Exception exception);

    [LoggerMessage(17004, LogLevel.Warning, "Webhook dispatch failed (cluster database?); retrying every poll")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(17005, LogLevel.Information, "Webhook {EventId} delivered to subscription {SubscriptionId} on attempt {Attempt} (HTTP {Status})")]
    public static partial void Delivered(ILogger logger, string eventId, string subscriptionId, int attempt, int status);

    [LoggerMessage(17006, LogLevel.Warning, "Webhook {EventId} to subscription {SubscriptionId}: attempt {Attempt} failed ({Error}); next at {NextAttemptAt:u}")]
    public static partial void WillRetry(ILogger logger, string eventId, string subscriptionId, int attempt, string? error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(17007, LogLevel.Error, "Webhook {EventId} to subscription {SubscriptionId} failed after {Attempt} attempts ({Error}); given up")]
    public static partial void GaveUp(ILogger logger, string eventId, string subscriptionId, int attempt, string? error);

    [LoggerMessage(17008, LogLevel.Warning, "Webhook {EventId} to subscription {SubscriptionId}: the lease ran out before the attempt was recorded; another node retries it")]
    public static partial void LeaseLost(ILogger logger, string eventId, string subscriptionId);

    [LoggerMessage(17009, LogLevel.Warning, "Webhook {EventId} to subscription {SubscriptionId}: the attempt could not be recorded; it is sent again when the lease runs out")]
    public static partial void RecordFailed(ILogger logger, string eventId, string subscriptionId, Exception exception);
}
