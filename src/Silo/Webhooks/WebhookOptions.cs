namespace OrleansRecorder.Silo.Webhooks;

/// <summary>Webhook delivery settings under <c>Recorder:Webhooks</c>; subscriptions themselves live in the database (<c>/api/webhooks</c>).</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Recorder:Webhooks";

    /// <summary>Attempts per event and subscription, the first included; then the delivery is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; each later wait doubles (1 s, 2 s, 4 s, ...).</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take (connect, send, response headers) before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each node looks for due deliveries (events of this node wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delivered and failed deliveries older than this leave the delivery log.</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often this node checks its alarm conditions (disk, licence, cluster database).</summary>
    public TimeSpan AlarmCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The errors of these settings (empty when usable): checked at start so a bad value stops the node with its name.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add("Recorder:Webhooks:MaxAttempts must be 1..100.");
        }

        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            errors.Add("Recorder:Webhooks:InitialRetryDelay must be positive and not above MaxRetryDelay.");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add("Recorder:Webhooks:Timeout must be positive and at most 5 minutes.");
        }

        if (PollInterval <= TimeSpan.Zero || AlarmCheckInterval <= TimeSpan.Zero || LogRetention <= TimeSpan.Zero)
        {
            errors.Add("Recorder:Webhooks:PollInterval, AlarmCheckInterval and LogRetention must be positive.");
        }

        return errors;
    }
}
