using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Turns what happened into webhook events (the JSON body every subscriber gets) and queues them in the
/// <see cref="WebhookOutbox"/>. The body: <c>{ "id", "type", "occurredAt", "node", "data": { ... } }</c>.
/// </summary>
/// <remarks>
/// Event ids are derived from the recording id (<c>{type}/{recordingId}</c>): the same fact published twice (a
/// recording indexed by the pending pass after a restart, a delete repeated by a retrying client) is queued once per
/// subscription by the outbox's unique key, and receivers can use the id to drop the duplicates that at-least-once
/// delivery allows.
/// </remarks>
internal sealed class WebhookPublisher(WebhookOutbox outbox, string nodeName, TimeProvider timeProvider, ILogger<WebhookPublisher> logger)
    : IWebhookPublisher
{
    public void CallStarted(RecordingInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Publish(WebhookEventTypes.CallStarted, info.RecordingId, new JsonObject
        {
            ["recordingId"] = info.RecordingId,
            ["startedAt"] = info.StartedAt,
            ["refci"] = info.Metadata.RefCi,
            ["profile"] = info.Metadata.Profile,
            ["nearEnd"] = Party(info.Metadata.NearEndAddress, info.Metadata.NearEndDevice),
            ["farEnd"] = Party(info.Metadata.FarEndAddress, info.Metadata.FarEndDevice),
            ["recordedBy"] = info.RecordedBy,
        });
    }

    public void CallEnded(RecordingInfo info, string status)
    {
        ArgumentNullException.ThrowIfNull(info);
        Publish(WebhookEventTypes.CallEnded, info.RecordingId, new JsonObject
        {
            ["recordingId"] = info.RecordingId,
            ["startedAt"] = info.StartedAt,
            ["endedAt"] = timeProvider.GetUtcNow(),
            ["status"] = status,
            ["refci"] = info.Metadata.RefCi,
            ["recordedBy"] = info.RecordedBy,
        });
    }

    public void RecordingCompleted(RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var codec = manifest.NearEnd.Codec ?? manifest.FarEnd.Codec;
        Publish(WebhookEventTypes.RecordingCompleted, manifest.Id, new JsonObject
        {
            ["id"] = manifest.Id,
            ["startedAt"] = manifest.StartedAt,
            ["endedAt"] = manifest.EndedAt,
            ["durationSeconds"] = manifest.DurationSeconds,
            ["nearEnd"] = Party(manifest.NearEnd.Number, manifest.NearEnd.Device),
            ["farEnd"] = Party(manifest.FarEnd.Number, manifest.FarEnd.Device),
            ["refci"] = manifest.RefCi,
            ["profile"] = manifest.Profile,
            ["codec"] = codec?.ToString().ToUpperInvariant(),
            ["format"] = manifest.Format,
            ["sizeBytes"] = manifest.SizeBytes,
            ["sha256"] = manifest.Sha256,
            ["status"] = StatusName(manifest.Status.ToString()),
            ["recordedBy"] = manifest.RecordedBy,
        });
    }

    public void RecordingDeleted(RecordingManifest manifest, string reason)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Publish(WebhookEventTypes.RecordingDeleted, manifest.Id, new JsonObject
        {
            ["id"] = manifest.Id,
            ["startedAt"] = manifest.StartedAt,
            ["refci"] = manifest.RefCi,
            ["reason"] = reason,
        });
    }

    public void Alarm(NodeAlarm alarm, bool raised)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var state = raised ? "raised" : "cleared";
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{nodeName}/{alarm.Kind}/{state}/{timeProvider.GetUtcNow().ToUnixTimeMilliseconds()}");
        Publish(WebhookEventTypes.Alarm, key, new JsonObject
        {
            ["kind"] = alarm.Kind,
            ["state"] = state,
            ["severity"] = alarm.Severity,
            ["message"] = alarm.Message,
        });
    }

    /// <summary>The enum's name as the REST API writes it (camel case: <c>complete</c>).</summary>
    public static string StatusName(string status) => JsonNamingPolicy.CamelCase.ConvertName(status);

    private static JsonObject Party(string? number, string? device) => new() { ["number"] = number, ["device"] = device };

    private void Publish(string type, string key, JsonObject data)
    {
        try
        {
            var now = timeProvider.GetUtcNow();
            var id = type + "/" + key;
            var body = new JsonObject
            {
                ["id"] = id,
                ["type"] = type,
                ["occurredAt"] = now,
                ["node"] = nodeName,
                ["data"] = data,
            }.ToJsonString();
            if (!outbox.TryQueue(new WebhookEvent(id, type, now, body)))
            {
                WebhookLog.Dropped(logger, id, WebhookOutbox.Capacity);
            }
        }
        catch (Exception ex)
        {
            // A webhook must never fail the call or the recording that raised it.
            WebhookLog.PublishFailed(logger, type, key, ex);
        }
    }
}
