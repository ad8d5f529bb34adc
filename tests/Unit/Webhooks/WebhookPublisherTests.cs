using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>The bodies receivers get: the envelope, the manifest summary of a completed recording, stable event ids.</summary>
public sealed class WebhookPublisherTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly WebhookOutbox _outbox = new();

    [Fact]
    public void RecordingCompletedCarriesTheManifestSummary()
    {
        var publisher = new WebhookPublisher(_outbox, "node-a", _time, NullLogger<WebhookPublisher>.Instance);
        var started = _time.GetUtcNow().AddSeconds(-30);
        publisher.RecordingCompleted(new RecordingManifest
        {
            Id = "r1",
            RefCi = "123",
            StartedAt = started,
            EndedAt = started.AddSeconds(30),
            DurationSeconds = 30,
            NearEnd = new RecordingParty { Number = "198101", Device = "SEP1", Codec = AudioCodec.Pcmu },
            FarEnd = new RecordingParty { Number = "172001", Device = "SEP2" },
            Format = "wav",
            SizeBytes = 960_044,
            Sha256 = "ab",
            RecordedBy = "node-a",
            Status = RecordingStatus.Complete,
        });

        Assert.True(_outbox.Events.TryRead(out var queued));
        Assert.Equal("recording.completed/r1", queued.Id);
        Assert.Equal(WebhookEventTypes.RecordingCompleted, queued.Type);
        using var body = JsonDocument.Parse(queued.Body);
        var root = body.RootElement;
        Assert.Equal("recording.completed/r1", root.GetProperty("id").GetString());
        Assert.Equal("recording.completed", root.GetProperty("type").GetString());
        Assert.Equal("node-a", root.GetProperty("node").GetString());
        Assert.Equal(_time.GetUtcNow(), root.GetProperty("occurredAt").GetDateTimeOffset());
        var data = root.GetProperty("data");
        Assert.Equal("r1", data.GetProperty("id").GetString());
        Assert.Equal(started, data.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(30, data.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("198101", data.GetProperty("nearEnd").GetProperty("number").GetString());
        Assert.Equal("SEP2", data.GetProperty("farEnd").GetProperty("device").GetString());
        Assert.Equal("PCMU", data.GetProperty("codec").GetString());
        Assert.Equal("wav", data.GetProperty("format").GetString());
        Assert.Equal(960_044, data.GetProperty("sizeBytes").GetInt64());
        Assert.Equal("complete", data.GetProperty("status").GetString());
    }

    [Fact]
    public void CallEventsAreKeyedByRecordingAndAlarmsByTheirChange()
    {
        var publisher = new WebhookPublisher(_outbox, "node-a", _time, NullLogger<WebhookPublisher>.Instance);
        var info = new RecordingInfo { RecordingId = "r2", StartedAt = _time.GetUtcNow(), RecordedBy = "node-a", Metadata = new CucmMetadata { RefCi = "9" } };
        publisher.CallStarted(info);
        publisher.CallEnded(info, "complete");
        publisher.Alarm(new NodeAlarm("disk", "critical", "full"), raised: true);

        Assert.True(_outbox.Events.TryRead(out var started));
        Assert.True(_outbox.Events.TryRead(out var ended));
        Assert.True(_outbox.Events.TryRead(out var alarm));
        Assert.Equal("call.started/r2", started.Id);
        Assert.Equal("call.ended/r2", ended.Id);
        Assert.Equal("complete", JsonDocument.Parse(ended.Body).RootElement.GetProperty("data").GetProperty("status").GetString());
        Assert.StartsWith("alarm/node-a/disk/raised/", alarm.Id, StringComparison.Ordinal);
        var data = JsonDocument.Parse(alarm.Body).RootElement.GetProperty("data");
        Assert.Equal("raised", data.GetProperty("state").GetString());
        Assert.Equal("full", data.GetProperty("message").GetString());
    }

    [Fact]
    public void AFullQueueDropsAndCountsWithoutThrowing()
    {
        var publisher = new WebhookPublisher(_outbox, "node-a", _time, NullLogger<WebhookPublisher>.Instance);
        var info = new RecordingInfo { RecordingId = "r", StartedAt = _time.GetUtcNow(), RecordedBy = "node-a" };
        for (var i = 0; i < WebhookOutbox.Capacity + 5; i++)
        {
            publisher.CallStarted(info);
        }

        Assert.Equal(5, _outbox.Dropped);
        Assert.Equal(WebhookOutbox.Capacity, _outbox.Events.Count);
    }
}
