using Microsoft.Extensions.Options;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Sends due deliveries from the shared outbox. Every node runs one; each delivery attempt is made by exactly one of
/// them, the one whose claim (a conditional update of the row: <see cref="IWebhookStore.ClaimDueAsync"/>) succeeded.
/// </summary>
/// <remarks>
/// <para>
/// Why a claim per row rather than a singleton grain: the database already decides atomically who holds a row, with no
/// window of two activations while membership converges, and a node that dies mid-send loses only its lease
/// (<see cref="Lease"/>): another node retries the row once the lease has run out. Delivery is at least once: a node
/// killed after the receiver answered but before the row was updated leaves it to be sent again, with the same event id.
/// </para>
/// <para>
/// The node where an event happens is woken at once (<see cref="WebhookOutbox.Wake"/>) and usually sends it; other
/// nodes poll every <see cref="WebhookOptions.PollInterval"/> and pick up retries that fall due and rows of a node
/// that is gone. Attempts are counted in the row, so the schedule (<see cref="WebhookBackoff"/>) survives restarts.
/// </para>
/// </remarks>
internal sealed class WebhookDispatcher(
    IWebhookStore store,
    WebhookOutbox outbox,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    string nodeName,
    TimeProvider timeProvider,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 32;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>How long a claim holds the rows: one attempt's timeout and room to record it.</summary>
    private TimeSpan Lease => options.Value.Timeout + TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPrune = DateTimeOffset.MinValue;
        var failing = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = 0;
                try
                {
                    claimed = await DispatchOnceAsync(stoppingToken);
                    if (timeProvider.GetUtcNow() - lastPrune >= PruneInterval)
                    {
                        lastPrune = timeProvider.GetUtcNow();
                        await store.PruneAsync(lastPrune - options.Value.LogRetention, stoppingToken);
                    }

                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (!failing)
                    {
                        WebhookLog.DispatchFailed(logger, ex);
                        failing = true;
                    }
                }

                if (claimed < BatchSize)
                {
                    await outbox.WaitAsync(options.Value.PollInterval, timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: claimed rows not recorded are sent again by a node once their lease runs out
        }
    }

    /// <summary>One round: claims the due deliveries, sends them in parallel, records each outcome. Returns how many were claimed.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var now = timeProvider.GetUtcNow();
        var due = await store.ClaimDueAsync(nodeName, now, now + Lease, BatchSize, ct);
        if (due.Count == 0)
        {
            return 0;
        }

        var subscriptions = (await store.ListSubscriptionsAsync(ct)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        await Task.WhenAll(due.Select(d => DeliverAsync(d, subscriptions.GetValueOrDefault(d.SubscriptionId), ct)));
        return due.Count;
    }

    private async Task DeliverAsync(WebhookDelivery delivery, WebhookSubscription? subscription, CancellationToken ct)
    {
        var attempt = delivery.Attempts + 1;
        WebhookAttemptResult result;
        if (subscription is null || !subscription.Enabled)
        {
            // Deleted (its rows go with it) or disabled since the event was queued: an admin turned it off, so stop.
            result = WebhookAttemptResult.Failure(null, "subscription disabled");
            attempt = options.Value.MaxAttempts;
        }
        else
        {
            result = await sender.SendAsync(subscription, delivery, attempt, ct);
        }

        var at = timeProvider.GetUtcNow();
        var state = result.Succeeded ? WebhookDeliveryState.Delivered
            : attempt >= options.Value.MaxAttempts ? WebhookDeliveryState.Failed
            : WebhookDeliveryState.Pending;
        var next = state == WebhookDeliveryState.Pending
            ? at + WebhookBackoff.DelayAfter(attempt, options.Value.InitialRetryDelay, options.Value.MaxRetryDelay)
            : at;
        try
        {
            if (!await store.RecordAttemptAsync(delivery.DeliveryId, nodeName, state, attempt, next, result, at, ct))
            {
                WebhookLog.LeaseLost(logger, delivery.EventId, delivery.SubscriptionId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease runs out and the row is attempted again: at least once.
            WebhookLog.RecordFailed(logger, delivery.EventId, delivery.SubscriptionId, ex);
            return;
        }

        switch (state)
        {
            case WebhookDeliveryState.Delivered:
                WebhookLog.Delivered(logger, delivery.EventId, delivery.SubscriptionId, attempt, result.Status ?? 0);
                break;
            case WebhookDeliveryState.Failed:
                WebhookLog.GaveUp(logger, delivery.EventId, delivery.SubscriptionId, attempt, result.Error);
                break;
            default:
                WebhookLog.WillRetry(logger, delivery.EventId, delivery.SubscriptionId, attempt, result.Error, next);
                break;
        }
    }
}
