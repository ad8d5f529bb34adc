using System.Threading.Channels;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// The in-memory hand-off between the publisher (any thread, never waits) and <see cref="WebhookOutboxWriter"/>, and
/// the signal that wakes this node's <see cref="WebhookDispatcher"/> when new deliveries were written.
/// </summary>
/// <remarks>
/// Bounded: if the cluster database is down for long, the newest events beyond <see cref="Capacity"/> are dropped and
/// counted rather than growing the heap; calls and recordings themselves are never affected.
/// </remarks>
internal sealed class WebhookOutbox
{
    public const int Capacity = 10_000;

    private readonly Channel<WebhookEvent> _events = Channel.CreateBounded<WebhookEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private long _dropped;

    /// <summary>Events not queued because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<WebhookEvent> Events => _events.Reader;

    public bool TryQueue(WebhookEvent webhookEvent)
    {
        // DropWrite reports success even when it drops; the count tells the difference.
        if (_events.Reader.Count >= Capacity || !_events.Writer.TryWrite(webhookEvent))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        return true;
    }

    /// <summary>Tells the dispatcher that deliveries are due now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Wake"/> or <paramref name="timeout"/>, whichever first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken ct)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // timed out: poll
        }
    }
}
