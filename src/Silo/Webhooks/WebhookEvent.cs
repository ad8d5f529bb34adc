namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// One event, as queued for the outbox. <paramref name="Id"/> is derived from what happened (type and recording id),
/// so the same event published twice is delivered once per subscription; <paramref name="Body"/> is the exact JSON sent.
/// </summary>
internal sealed record WebhookEvent(string Id, string Type, DateTimeOffset OccurredAt, string Body);
