using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Web;

/// <summary>One line of a subscription's delivery log.</summary>
internal sealed record WebhookDeliveryDto(
    string EventId,
    string Type,
    string State,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    string? SentBy)
{
    public static WebhookDeliveryDto From(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return new WebhookDeliveryDto(delivery.EventId, delivery.EventType, DbWebhookStore.StateName(delivery.State), delivery.Attempts,
            delivery.LastStatus, delivery.LastError, delivery.CreatedAt, delivery.LastAttemptAt,
            delivery.State == WebhookDeliveryState.Pending ? delivery.NextAttemptAt : null, delivery.SentBy);
    }
}
