using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The one answer to a recording that failed its integrity check (a changed file, manifest or seal): 409 problem
/// details, log event 16003, the <c>tampered</c> refusal counted, and a critical <c>recording-tampered</c> alarm webhook.
/// </summary>
internal static class IntegrityRefusal
{
    public const string AlarmKind = "recording-tampered";

    public static ProblemHttpResult Refuse(string recordingId, string reason, ILogger logger, IWebhookPublisher publisher)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        EncryptionLog.Tampered(logger, recordingId, reason);
        EncryptionMetrics.Refused("tampered");
        publisher.Alarm(new NodeAlarm(AlarmKind, "critical", $"Recording {recordingId} failed its integrity check: {reason}"), raised: true);
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Recording failed its integrity check",
            detail: $"Recording {recordingId} was changed after it was written and is not played: {reason}");
    }
}
