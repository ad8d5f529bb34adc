using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRecorder.Silo.Webhooks;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Integration.Cluster;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Webhooks with real silo processes and sipp calls, delivered to a receiver in this process: the admin-only API with
/// a write-only secret, signed deliveries retried until the receiver takes them, and with two nodes up each event
/// delivered once per subscription.
/// </summary>
public sealed class WebhookTests(RecorderFixture fixture) : IClassFixture<RecorderFixture>
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscriptionsAreAdminOnlyCheckedAndTheirGeneratedSecretIsShownOnce()
    {
        var admin = fixture.Node.Http;
        await ExpectProblemAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = "/relative", events = new[] { "alarm" } }, Ct), "url");
        await ExpectProblemAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = "ftp://127.0.0.1/x", events = new[] { "alarm" } }, Ct), "url");
        await ExpectProblemAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1/x", events = new[] { "call.exploded" } }, Ct), "call.exploded");
        await ExpectProblemAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1/x", events = Array.Empty<string>() }, Ct), "events");
        await ExpectProblemAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1/x", events = new[] { "alarm" }, secret = "short" }, Ct), "secret");

        // Given by the admin: accepted, never echoed.
        using (var given = await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/given", events = new[] { "alarm" }, secret = "given-secret-0123456789" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, given.StatusCode);
            Assert.DoesNotContain("given-secret", await given.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var created = await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/generated", events = new[] { "alarm", "call.ended" }, enabled = false }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = hook.GetProperty("id").GetString()!;
        var secret = hook.GetProperty("secret").GetString()!;
        Assert.True(secret.Length >= WebhookSubscriptionValidator.MinSecretLength);
        Assert.False(hook.GetProperty("enabled").GetBoolean());

        var list = await admin.GetStringAsync("/api/webhooks", Ct);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\"", await admin.GetStringAsync($"/api/webhooks/{id}", Ct), StringComparison.Ordinal);

        using (var rotated = await admin.PutAsJsonAsync($"/api/webhooks/{id}", new { rotateSecret = true, enabled = true }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            var body = await rotated.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.NotEqual(secret, body.GetProperty("secret").GetString());
            Assert.True(body.GetProperty("enabled").GetBoolean());
        }

        await ExpectProblemAsync(await admin.PutAsJsonAsync($"/api/webhooks/{id}", new { url = "not a url" }, Ct), "url");
        await ExpectProblemAsync(await admin.PutAsJsonAsync("/api/webhooks/nope", new { enabled = false }, Ct), "nope", HttpStatusCode.NotFound);
        await ExpectProblemAsync(await admin.GetAsync("/api/webhooks/nope/deliveries", Ct), "nope", HttpStatusCode.NotFound);
        await ExpectProblemAsync(await admin.GetAsync($"/api/webhooks/{id}/deliveries?limit=0", Ct), "limit");

        // Anyone but an admin is refused: the URL makes the recorder send requests inside the network.
        // A key belongs to an enabled user and never exceeds its role (issue 19): an auditor, and a key acting for it.
        using (var user = await admin.PostAsJsonAsync("/api/users", new { name = "webhook-auditor", role = "auditor", password = "password-123" }, Ct))
        {
            Assert.True(user.StatusCode == HttpStatusCode.Created, $"{(int)user.StatusCode}: {await user.Content.ReadAsStringAsync(Ct)}");
        }

        using (var key = await admin.PostAsJsonAsync("/api/keys", new { name = "webhook-auditor", role = "auditor", owner = "webhook-auditor" }, Ct))
        {
            Assert.True(key.StatusCode == HttpStatusCode.Created, $"{(int)key.StatusCode}: {await key.Content.ReadAsStringAsync(Ct)}");
            using var auditor = new HttpClient { BaseAddress = admin.BaseAddress };
            auditor.DefaultRequestHeaders.Add("X-Api-Key", (await key.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString());
            using var refused = await auditor.GetAsync("/api/webhooks", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var refusedPost = await auditor.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1/x", events = new[] { "alarm" } }, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refusedPost.StatusCode);
        }

        using (var deleted = await admin.DeleteAsync($"/api/webhooks/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ExpectProblemAsync(await admin.GetAsync($"/api/webhooks/{id}", Ct), id, HttpStatusCode.NotFound);
        foreach (var other in (await admin.GetFromJsonAsync<JsonElement>("/api/webhooks", Ct)).EnumerateArray())
        {
            await admin.DeleteAsync($"/api/webhooks/{other.GetProperty("id").GetString()}", Ct);
        }
    }

    [Fact]
    public async Task AReceiverThatFailsTwiceGetsTheSignedEventOnTheThirdTry()
    {
        using var receiver = new WebhookReceiver();
        receiver.Script("flaky", HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError);
        var (id, secret) = await SubscribeAsync(fixture.Node, receiver.UrlFor("flaky"), ["call.started"]);
        try
        {
            var refci = "7" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            await CallPlacer.PlaceAsync(fixture.Node, [refci], toneSeconds: 1, durationMs: 1500);
            await receiver.WaitAsync(r => r.Count(x => x.Path == "/flaky" && x.Status == 200) >= 1, TimeSpan.FromSeconds(30), "a 200 for call.started");

            var attempts = receiver.For("flaky");
            Assert.Equal([500, 500, 200], attempts.Select(a => a.Status));
            Assert.Equal(["1", "2", "3"], attempts.Select(a => a.Attempt));
            Assert.Single(attempts.Select(a => a.EventId).Distinct());
            Assert.All(attempts, a => Assert.True(WebhookSignature.Verify(a.Signature, secret, a.Body, DateTimeOffset.UtcNow, Tolerance), a.Signature));
            // Exponential backoff: about 1 s, then about 2 s (the dispatcher polls every second).
            Assert.InRange((attempts[1].At - attempts[0].At).TotalSeconds, 0.9, 3.5);
            Assert.InRange((attempts[2].At - attempts[1].At).TotalSeconds, 1.9, 4.5);

            var body = attempts[2].Json;
            Assert.Equal("call.started", body.GetProperty("type").GetString());
            Assert.Equal(attempts[2].EventId, body.GetProperty("id").GetString());
            Assert.Equal(refci, body.GetProperty("data").GetProperty("refci").GetString());
            Assert.Equal(fixture.Node.Name, body.GetProperty("node").GetString());

            var log = await WaitForDeliveryLogAsync(fixture.Node, id, d => d.GetProperty("state").GetString() == "delivered");
            var entry = Assert.Single(log.EnumerateArray());
            Assert.Equal(3, entry.GetProperty("attempts").GetInt32());
            Assert.Equal(200, entry.GetProperty("lastStatus").GetInt32());
            Assert.Equal(attempts[2].EventId, entry.GetProperty("eventId").GetString());
        }
        finally
        {
            await fixture.Node.Http.DeleteAsync($"/api/webhooks/{id}", Ct);
        }
    }

    [Theory]
    [InlineData("sqlite", "63000001")]
    [InlineData("postgres", "63000002")]
    public async Task WithTwoNodesUpEachEventIsDeliveredOncePerSubscription(string provider, string refci)
    {
        using var receiver = new WebhookReceiver();
        await using var database = provider == "postgres" ? await PostgresTestDatabase.CreateAsync(Ct) : null;
        var cluster = SharedClusterSettings.Create();
        if (database is not null)
        {
            cluster = cluster with { ConnectionString = database.ConnectionString };
        }

        (string, string) providerSetting = ("Recorder__Cluster__Provider", provider);
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary", providerSetting));
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup", providerSetting));
        string[] events = ["call.started", "call.ended", "recording.completed", "recording.deleted"];
        // One subscription made through each node: one shared table, so both nodes see both.
        var (first, firstSecret) = await SubscribeAsync(primary, receiver.UrlFor("one"), events);
        var (second, secondSecret) = await SubscribeAsync(backup, receiver.UrlFor("two"), events);

        await CallPlacer.PlaceAsync(primary, [refci], toneSeconds: 1, durationMs: 1500);
        var recording = (await backup.WaitForRecordingsAsync(1)).Items.Single();
        await receiver.WaitAsync(r => r.Count(x => x.EventType == "recording.completed") >= 2, TimeSpan.FromSeconds(30), "recording.completed twice");
        using (var deleted = await backup.Http.DeleteAsync($"/api/recordings/{recording.Id}", Ct))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"DELETE: {(int)deleted.StatusCode}");
        }

        await receiver.WaitAsync(r => r.Count(x => x.EventType == "recording.deleted") >= 2, TimeSpan.FromSeconds(30), "recording.deleted twice");
        // Both dispatchers poll every second: a duplicate would come within a few polls.
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);

        foreach (var (path, secret) in new[] { ("one", firstSecret), ("two", secondSecret) })
        {
            var got = receiver.For(path);
            Assert.True(got.Count == 4, $"/{path}: " + string.Join(", ", got.Select(g => $"{g.EventType} {g.EventId} {g.Status}")));
            Assert.Equal(events.Order(), got.Select(g => g.EventType!).Order());
            Assert.Equal(4, got.Select(g => g.EventId).Distinct().Count());
            Assert.All(got, g => Assert.True(WebhookSignature.Verify(g.Signature, secret, g.Body, DateTimeOffset.UtcNow, Tolerance)));
            Assert.All(got, g => Assert.Equal("1", g.Attempt));

            var completed = got.Single(g => g.EventType == "recording.completed").Json.GetProperty("data");
            Assert.Equal(recording.Id, completed.GetProperty("id").GetString());
            Assert.Equal(refci, completed.GetProperty("refci").GetString());
            Assert.Equal("wav", completed.GetProperty("format").GetString());
            Assert.Equal("PCMU", completed.GetProperty("codec").GetString());
            Assert.Equal("complete", completed.GetProperty("status").GetString());
            Assert.Equal(recording.SizeBytes, completed.GetProperty("sizeBytes").GetInt64());
            Assert.Equal("198101", completed.GetProperty("nearEnd").GetProperty("number").GetString());
            Assert.True(completed.GetProperty("durationSeconds").GetDouble() > 0.5);
            Assert.Equal(recording.Id, got.Single(g => g.EventType == "recording.deleted").Json.GetProperty("data").GetProperty("id").GetString());
            Assert.Equal(primary.Name, got.Single(g => g.EventType == "call.started").Json.GetProperty("node").GetString());
        }

        // The delivery log says the same from either node.
        foreach (var id in new[] { first, second })
        {
            var log = await WaitForDeliveryLogAsync(primary, id, d => d.GetProperty("state").GetString() == "delivered");
            Assert.Equal(4, log.GetArrayLength());
            Assert.All(log.EnumerateArray(), d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
        }
    }

    private static async Task<(string Id, string Secret)> SubscribeAsync(RecorderNode node, string url, string[] events)
    {
        using var created = await node.Http.PostAsJsonAsync("/api/webhooks", new { url, events }, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!);
    }

    /// <summary>Polls the delivery log until every entry matches (and there is one), or fails after 30 s.</summary>
    private static async Task<JsonElement> WaitForDeliveryLogAsync(RecorderNode node, string id, Func<JsonElement, bool> each)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var log = await node.GetJsonAsync<JsonElement>($"/api/webhooks/{id}/deliveries");
            if (log.GetArrayLength() > 0 && log.EnumerateArray().All(each))
            {
                return log;
            }

            Assert.True(DateTime.UtcNow < deadline, $"delivery log of {id}: {log}");
            await Task.Delay(200, Ct);
        }
    }

    private static async Task ExpectProblemAsync(HttpResponseMessage response, string text, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(text, body, StringComparison.Ordinal);
        }
    }
}
