using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>
/// What every <see cref="IWebhookStore"/> must do, run on SQLite and PostgreSQL: each store is made on a database that
/// already holds the catalog (the tables are added in place), and two stores on one database stand for two nodes.
/// </summary>
public abstract class WebhookStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_900_000_000);

    /// <summary>A new database with the catalog applied, and a store on it (called twice per test for two nodes).</summary>
    private protected abstract Task<IWebhookStore> CreateStoreAsync(bool sameDatabase, CancellationToken ct);

    [Fact]
    public async Task SubscriptionsRoundTripAndDeleteTakesTheirDeliveries()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await CreateStoreAsync(sameDatabase: false, ct);
        var a = Subscription("a", ["call.started", "alarm"]);
        await store.AddSubscriptionAsync(a, ct);
        var read = await store.GetSubscriptionAsync("a", ct);
        Assert.NotNull(read);
        Assert.Equal(a.Url, read.Url);
        Assert.Equal(["call.started", "alarm"], read.Events);
        Assert.Equal(a.Secret, read.Secret);
        Assert.Equal(a.CreatedAt, read.CreatedAt);

        Assert.True(await store.UpdateSubscriptionAsync(a with { Events = ["alarm"], Enabled = false, Description = "d" }, ct));
        read = (await store.ListSubscriptionsAsync(ct)).Single();
        Assert.Equal(["alarm"], read.Events);
        Assert.False(read.Enabled);
        Assert.Equal("d", read.Description);
        Assert.False(await store.UpdateSubscriptionAsync(a with { Id = "nope" }, ct));

        await store.UpdateSubscriptionAsync(a, ct);
        Assert.Equal(1, await store.EnqueueAsync(Event("e1", "alarm"), Now, ct));
        Assert.True(await store.DeleteSubscriptionAsync("a", ct));
        Assert.False(await store.DeleteSubscriptionAsync("a", ct));
        Assert.Null(await store.GetSubscriptionAsync("a", ct));
        Assert.Empty(await store.ClaimDueAsync("n1", Now, Now.AddMinutes(1), 10, ct));
    }

    [Fact]
    public async Task AnEventIsQueuedOncePerEnabledSubscriptionThatWantsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await CreateStoreAsync(sameDatabase: false, ct);
        await store.AddSubscriptionAsync(Subscription("a", ["call.started", "alarm"]), ct);
        await store.AddSubscriptionAsync(Subscription("b", ["alarm"]), ct);
        await store.AddSubscriptionAsync(Subscription("c", ["alarm"]) with { Enabled = false }, ct);
        // A type nobody asked for is queued for nobody.
        await store.AddSubscriptionAsync(Subscription("d", ["recording.completed"]), ct);

        Assert.Equal(2, await store.EnqueueAsync(Event("alarm/1", "alarm"), Now, ct));
        Assert.Equal(0, await store.EnqueueAsync(Event("alarm/1", "alarm"), Now, ct));
        Assert.Equal(1, await store.EnqueueAsync(Event("call.started/r1", "call.started"), Now, ct));
        Assert.Equal(0, await store.EnqueueAsync(Event("call.ended/r1", "call.ended"), Now, ct));

        var a = await store.ListDeliveriesAsync("a", 10, ct);
        Assert.Equal(["call.started/r1", "alarm/1"], a.Select(d => d.EventId));
        Assert.All(a, d => Assert.Equal(WebhookDeliveryState.Pending, d.State));
        Assert.Equal("{\"id\":\"alarm/1\"}", a[1].Payload);
        Assert.Single(await store.ListDeliveriesAsync("b", 10, ct));
        Assert.Empty(await store.ListDeliveriesAsync("c", 10, ct));
    }

    [Fact]
    public async Task AttemptsAreRecordedAndAFailedOneWaitsForItsTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await CreateStoreAsync(sameDatabase: false, ct);
        await store.AddSubscriptionAsync(Subscription("a", ["alarm"]), ct);
        await store.EnqueueAsync(Event("e1", "alarm"), Now, ct);

        var claimed = Assert.Single(await store.ClaimDueAsync("n1", Now, Now.AddMinutes(1), 10, ct));
        Assert.Equal(0, claimed.Attempts);
        Assert.True(await store.RecordAttemptAsync(claimed.DeliveryId, "n1", WebhookDeliveryState.Pending, 1, Now.AddSeconds(1),
            WebhookAttemptResult.Failure(500, "HTTP 500 Internal Server Error"), Now, ct));
        // Released, but not due before its next attempt.
        Assert.Empty(await store.ClaimDueAsync("n1", Now.AddMilliseconds(999), Now.AddMinutes(1), 10, ct));
        claimed = Assert.Single(await store.ClaimDueAsync("n2", Now.AddSeconds(1), Now.AddMinutes(1), 10, ct));
        Assert.Equal(1, claimed.Attempts);
        Assert.Equal(500, claimed.LastStatus);
        Assert.True(await store.RecordAttemptAsync(claimed.DeliveryId, "n2", WebhookDeliveryState.Delivered, 2, Now.AddSeconds(2),
            WebhookAttemptResult.Success(204), Now.AddSeconds(2), ct));

        var log = Assert.Single(await store.ListDeliveriesAsync("a", 10, ct));
        Assert.Equal(WebhookDeliveryState.Delivered, log.State);
        Assert.Equal(2, log.Attempts);
        Assert.Equal(204, log.LastStatus);
        Assert.Null(log.LastError);
        Assert.Equal("n2", log.SentBy);
        Assert.Equal(Now.AddSeconds(2), log.LastAttemptAt);
        Assert.Empty(await store.ClaimDueAsync("n1", Now.AddHours(1), Now.AddHours(2), 10, ct));

        // The log keeps what is still pending; sent and failed rows go after the retention.
        await store.EnqueueAsync(Event("e2", "alarm"), Now.AddDays(1), ct);
        Assert.Equal(1, await store.PruneAsync(Now.AddDays(2), ct));
        Assert.Equal(["e2"], (await store.ListDeliveriesAsync("a", 10, ct)).Select(d => d.EventId));
    }

    [Fact]
    public async Task AClaimHoldsRowsForOneNodeUntilItsLeaseRunsOut()
    {
        var ct = TestContext.Current.CancellationToken;
        var node1 = await CreateStoreAsync(sameDatabase: false, ct);
        var node2 = await CreateStoreAsync(sameDatabase: true, ct);
        await node1.AddSubscriptionAsync(Subscription("a", ["alarm"]), ct);
        for (var i = 0; i < 3; i++)
        {
            await node1.EnqueueAsync(Event("e" + i, "alarm"), Now.AddMilliseconds(i), ct);
        }

        var first = await node1.ClaimDueAsync("n1", Now.AddSeconds(1), Now.AddSeconds(60), 2, ct);
        Assert.Equal(["e0", "e1"], first.Select(d => d.EventId));
        Assert.Equal(["e2"], (await node2.ClaimDueAsync("n2", Now.AddSeconds(1), Now.AddSeconds(60), 10, ct)).Select(d => d.EventId));
        Assert.Empty(await node2.ClaimDueAsync("n2", Now.AddSeconds(30), Now.AddSeconds(90), 10, ct));

        // n1 died: its lease runs out and n2 takes the rows over; n1's late record is refused.
        var takeover = await node2.ClaimDueAsync("n2", Now.AddSeconds(61), Now.AddSeconds(121), 10, ct);
        Assert.Equal(["e0", "e1", "e2"], takeover.Select(d => d.EventId));
        Assert.False(await node1.RecordAttemptAsync(first[0].DeliveryId, "n1", WebhookDeliveryState.Delivered, 1, Now,
            WebhookAttemptResult.Success(200), Now.AddSeconds(62), ct));
        Assert.True(await node2.RecordAttemptAsync(first[0].DeliveryId, "n2", WebhookDeliveryState.Delivered, 1, Now,
            WebhookAttemptResult.Success(200), Now.AddSeconds(62), ct));
    }

    [Fact]
    public async Task TwoNodesClaimingAtOnceNeverGetTheSameRow()
    {
        var ct = TestContext.Current.CancellationToken;
        var node1 = await CreateStoreAsync(sameDatabase: false, ct);
        var node2 = await CreateStoreAsync(sameDatabase: true, ct);
        await node1.AddSubscriptionAsync(Subscription("a", ["alarm"]), ct);
        const int events = 60;
        for (var i = 0; i < events; i++)
        {
            await node1.EnqueueAsync(Event("e" + i, "alarm"), Now, ct);
        }

        async Task<List<long>> DrainAsync(IWebhookStore store, string node)
        {
            var mine = new List<long>();
            for (var round = 0; round < events; round++)
            {
                var claimed = await store.ClaimDueAsync(node, Now.AddSeconds(1), Now.AddMinutes(5), 3, ct);
                if (claimed.Count == 0)
                {
                    break;
                }

                mine.AddRange(claimed.Select(d => d.DeliveryId));
            }

            return mine;
        }

        var results = await Task.WhenAll(Task.Run(() => DrainAsync(node1, "n1"), ct), Task.Run(() => DrainAsync(node2, "n2"), ct));
        Assert.Empty(results[0].Intersect(results[1]));
        Assert.Equal(events, results[0].Count + results[1].Count);
    }

    private static WebhookSubscription Subscription(string id, IReadOnlyList<string> events) =>
        new(id, new Uri("https://receiver.example/" + id), events, "secret-" + id + "-0123456789", true, null, Now, Now);

    private static WebhookEvent Event(string id, string type) => new(id, type, Now, "{\"id\":\"" + id + "\"}");
}
