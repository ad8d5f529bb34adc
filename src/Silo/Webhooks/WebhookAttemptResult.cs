namespace OrleansRecorder.Silo.Webhooks;

/// <summary>The outcome of one HTTP attempt: the receiver's status (null when none came) and, on failure, why.</summary>
internal sealed record WebhookAttemptResult(bool Succeeded, int? Status, string? Error)
{
    public static WebhookAttemptResult Success(int status) => new(true, status, null);

    public static WebhookAttemptResult Failure(int? status, string error) => new(false, status, error);
}
