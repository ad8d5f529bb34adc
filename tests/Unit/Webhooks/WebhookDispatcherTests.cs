using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>
/// The dispatcher over a real SQLite outbox and a scripted receiver, on a fake clock: retries follow the backoff,
/// every attempt carries the same event id and a valid signature, attempts are bounded, a disabled subscription stops.
/// </summary>
public sealed class WebhookDispatcherTests : IDisposable
{
    private const string Secret = "dispatcher-secret-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-dispatch-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_764_900_000));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AReceiverThatFailsTwiceGetsTheEventOnTheThirdAttemptAfterOneAndTwoSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var receiver = new ScriptedReceiver(HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.NoContent);
        var (store, dispatcher) = await CreateAsync(receiver, new WebhookOptions(), ct);
        await store.AddSubscriptionAsync(Subscription(enabled: true), ct);
        await store.EnqueueAsync(new WebhookEvent("alarm/x", "alarm", _time.GetUtcNow(), "{\"id\":\"alarm/x\"}"), _time.GetUtcNow(), ct);

        Assert.Equal(1, await dispatcher.DispatchOnceAsync(ct));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(ct));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(ct));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(ct));
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(ct));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(ct));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(ct));

        Assert.Equal(3, receiver.Received.Count);
        for (var i = 0; i < 3; i++)
        {
            var (request, body) = receiver.Received[i];
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("https://receiver.example/hook", request.RequestUri!.AbsoluteUri);
            Assert.Equal("{\"id\":\"alarm/x\"}", body);
            Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
            Assert.Equal("alarm/x", request.Headers.GetValues(WebhookSignature.EventIdHeader).Single());
            Assert.Equal("alarm", request.Headers.GetValues(WebhookSignature.EventTypeHeader).Single());
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers.GetValues(WebhookSignature.AttemptHeader).Single());
            Assert.True(WebhookSignature.Verify(request.Headers.GetValues(WebhookSignature.HeaderName).Single(), Secret, body, _time.GetUtcNow(), TimeSpan.FromHours(2)));
        }

        var log = Assert.Single(await store.ListDeliveriesAsync("s1", 10, ct));
        Assert.Equal(WebhookDeliveryState.Delivered, log.State);
        Assert.Equal(3, log.Attempts);
        Assert.Equal(204, log.LastStatus);
        Assert.Equal("node-a", log.SentBy);
    }

    [Fact]
    public async Task AttemptsAreBoundedThenTheDeliveryIsFailed()
    {
        var ct = TestContext.Current.CancellationToken;
        var receiver = new ScriptedReceiver(HttpStatusCode.ServiceUnavailable);
        var (store, dispatcher) = await CreateAsync(receiver, new WebhookOptions { MaxAttempts = 3 }, ct);
        await store.AddSubscriptionAsync(Subscription(enabled: true), ct);
        await store.EnqueueAsync(new WebhookEvent("alarm/y", "alarm", _time.GetUtcNow(), "{}"), _time.GetUtcNow(), ct);

        for (var i = 0; i < 10; i++)
        {
            await dispatcher.DispatchOnceAsync(ct);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(3, receiver.Received.Count);
        var log = Assert.Single(await store.ListDeliveriesAsync("s1", 10, ct));
        Assert.Equal(WebhookDeliveryState.Failed, log.State);
        Assert.Equal(3, log.Attempts);
        Assert.Equal(503, log.LastStatus);
        Assert.Contains("503", log.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADisabledSubscriptionGetsNoRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        var receiver = new ScriptedReceiver(HttpStatusCode.OK);
        var (store, dispatcher) = await CreateAsync(receiver, new WebhookOptions(), ct);
        await store.AddSubscriptionAsync(Subscription(enabled: true), ct);
        await store.EnqueueAsync(new WebhookEvent("alarm/z", "alarm", _time.GetUtcNow(), "{}"), _time.GetUtcNow(), ct);
        await store.UpdateSubscriptionAsync(Subscription(enabled: false), ct);

        Assert.Equal(1, await dispatcher.DispatchOnceAsync(ct));
        Assert.Empty(receiver.Received);
        var log = Assert.Single(await store.ListDeliveriesAsync("s1", 10, ct));
        Assert.Equal(WebhookDeliveryState.Failed, log.State);
        Assert.Equal("subscription disabled", log.LastError);
    }

    private async Task<(IWebhookStore Store, WebhookDispatcher Dispatcher)> CreateAsync(HttpMessageHandler receiver, WebhookOptions options, CancellationToken ct)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), DefaultTimeout = 30 }.ToString();
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, connectionString).InitializeAsync(ct);
        var store = new DbWebhookStore(SqliteCatalogDialect.Instance, connectionString);
        var dispatcher = new WebhookDispatcher(store, new WebhookOutbox(), new WebhookSender(new SingleClientFactory(receiver), _time),
            Options.Create(options), "node-a", _time, NullLogger<WebhookDispatcher>.Instance);
        return (store, dispatcher);
    }

    private WebhookSubscription Subscription(bool enabled) =>
        new("s1", new Uri("https://receiver.example/hook"), ["alarm"], Secret, enabled, null, _time.GetUtcNow(), _time.GetUtcNow());
}
