namespace OrleansRecorder.Silo.Webhooks;

/// <summary>Where a delivery stands (the <c>state</c> column, lower case).</summary>
internal enum WebhookDeliveryState
{
    Pending,
    Delivered,
    Failed,
}
