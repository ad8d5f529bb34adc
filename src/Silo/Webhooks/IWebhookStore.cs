namespace OrleansRecorder.Silo.Webhooks;

/// <summary>Subscriptions and the delivery outbox in the cluster database (SQLite or PostgreSQL), shared by every node.</summary>
internal interface IWebhookStore
{
    Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken ct);

    Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken ct);

    Task AddSubscriptionAsync(WebhookSubscription subscription, CancellationToken ct);

    /// <summary>False when no subscription has that id.</summary>
    Task<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken ct);

    /// <summary>Removes the subscription and its deliveries (sent or not); false when no subscription has that id.</summary>
    Task<bool> DeleteSubscriptionAsync(string id, CancellationToken ct);

    /// <summary>
    /// Queues the event for every enabled subscription that wants its type, in one statement; an event id already
    /// queued for a subscription is not queued again. Returns how many deliveries were added.
    /// </summary>
    Task<int> EnqueueAsync(WebhookEvent webhookEvent, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Takes up to <paramref name="max"/> due deliveries for <paramref name="node"/> until <paramref name="leaseUntil"/>:
    /// one conditional update, so of several nodes claiming at once each delivery goes to one of them.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(string node, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken ct);

    /// <summary>
    /// Records an attempt of a delivery this node holds and releases it: <paramref name="state"/> and, for a pending
    /// one, when it is due again. False when the lease was lost (another node took it over).
    /// </summary>
    Task<bool> RecordAttemptAsync(long deliveryId, string node, WebhookDeliveryState state, int attempts, DateTimeOffset nextAttemptAt,
        WebhookAttemptResult result, DateTimeOffset at, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> deliveries of a subscription, newest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string subscriptionId, int limit, CancellationToken ct);

    /// <summary>Removes delivered and failed deliveries created before <paramref name="before"/>.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct);
}
