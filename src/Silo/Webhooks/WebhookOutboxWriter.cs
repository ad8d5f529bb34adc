using Microsoft.Extensions.Options;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Writes queued events into the outbox table, in order, one statement each; while the database does not answer it
/// keeps the event and tries again (the queue in front of it absorbs the wait). Wakes the local dispatcher after each
/// write that queued a delivery.
/// </summary>
internal sealed class WebhookOutboxWriter(
    WebhookOutbox outbox, IWebhookStore store, IOptions<WebhookOptions> options, TimeProvider timeProvider, ILogger<WebhookOutboxWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var webhookEvent in outbox.Events.ReadAllAsync(stoppingToken))
            {
                for (var failures = 0; ; failures++)
                {
                    try
                    {
                        var queued = await store.EnqueueAsync(webhookEvent, timeProvider.GetUtcNow(), stoppingToken);
                        WebhookLog.Queued(logger, webhookEvent.Id, queued);
                        if (queued > 0)
                        {
                            outbox.Wake();
                        }

                        break;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        if (failures == 0)
                        {
                            WebhookLog.OutboxWriteFailed(logger, webhookEvent.Id, ex);
                        }

                        await Task.Delay(options.Value.PollInterval * 2, timeProvider, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: events still in memory are lost with the process, as a crash would lose them
        }
    }
}
