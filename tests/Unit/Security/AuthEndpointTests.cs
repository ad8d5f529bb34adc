using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>
/// <c>/api/auth/login</c> in-process (Kestrel on loopback, the real endpoint, body limit, audit log and throttle, a
/// SQLite store, a fake clock): the oversized sign-in of issue 19 and the brute-force series.
/// </summary>
public sealed class AuthEndpointTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _directory = Directory.CreateTempSubdirectory("auth-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
    private SqliteSecurityStore _store = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "cluster.db"), Pooling = false }.ToString();
        await new DbRecordingCatalog(SqliteCatalogDialect.Instance, connectionString).InitializeAsync(Ct);
        _store = new SqliteSecurityStore(connectionString);
        var now = _time.GetUtcNow();
        await _store.CreateUserAsync(new RecorderUser("alice", "Alice", RecorderRoles.User, Passwords.Hash(Password), [], [], [], false, now, now), Ct);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ISecurityStore>(_store);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(new AuthFailureAudit(_store, _time, NullLogger<AuthFailureAudit>.Instance));
        builder.Services.AddSingleton(new SignInThrottle(_time));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization();
        _app = builder.Build();
        _app.UseAuthRequestLimits();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGroup("/api").MapAuthApi();
        await _app.StartAsync(Ct);
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    [Fact]
    public async Task AnOversizedSignInIs413AndWritesNothing()
    {
        // Issue 19: a 28 MiB user name answered 401 after 1.7 s and was written twice into the audit log.
        // Sent as curl -d sends it, with a Content-Length: refused before a byte of the body is read.
        var name = new string('A', 28 << 20);
        using var body = new StringContent($"{{\"username\":\"{name}\",\"password\":\"x\"}}", System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/auth/login", body, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("8192 bytes", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Without a Content-Length (chunked) the body is cut while it is read: 413, or, when Kestrel closes the
        // connection before the client has finished sending, a reset the client sees first. Either way nothing is kept.
        using var chunked = new StreamContent(new NonSeekableStream(new string('B', 1 << 20)));
        chunked.Headers.ContentType = new("application/json");
        try
        {
            using var response2 = await _client.PostAsync("/api/auth/login", chunked, Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response2.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The connection was cut mid-upload: refused too.
        }

        Assert.Empty(await RowsAsync());

        // Under the cap, a long name is refused as usual and cut in the log.
        using var longName = await _client.PostAsJsonAsync("/api/auth/login", new { username = new string('C', 7000), password = "x" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, longName.StatusCode);
        var row = Assert.Single(await RowsAsync());
        Assert.True(row.User!.Length <= AuditLimits.User && row.Target!.Length <= AuditLimits.Target);
    }

    [Fact]
    public async Task ABruteForceSeriesIsThrottledWithRetryAfterAndAudited()
    {
        // Issue 19: 60 wrong passwords in 5 s all answered 401, and the right one straight after 200.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var wrong = await LoginAsync("alice", $"guess-{i}");
            statuses.Add(wrong.StatusCode);
            if (wrong.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(TimeSpan.FromSeconds(30), wrong.Headers.RetryAfter?.Delta);
            }
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, SignInThrottle.AccountThreshold), statuses.Take(SignInThrottle.AccountThreshold));
        Assert.All(statuses.Skip(SignInThrottle.AccountThreshold), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        using (var right = await LoginAsync("alice", Password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode); // even the right password waits
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        using (var right = await LoginAsync("alice", Password))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }

        using (var wrong = await LoginAsync("alice", "guess-again"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode); // the success reset the account
        }

        // Visible in the audit log: one row per source and kind now, and the counts a minute later.
        var failedAudit = _app.Services.GetRequiredService<AuthFailureAudit>();
        _time.Advance(AuthFailureAudit.Interval);
        await failedAudit.FlushAsync();
        var rows = await RowsAsync();
        Assert.Contains(rows, r => r.Action == AuditActions.SignInThrottled && r.Details!.StartsWith("count=55 ", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == AuditActions.SignInFailed && r.Details!.StartsWith("count=5 ", StringComparison.Ordinal));
        Assert.True(rows.Count <= 6, string.Join("\n", rows));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<HttpResponseMessage> LoginAsync(string name, string password) =>
        _client.PostAsJsonAsync("/api/auth/login", new { username = name, password }, Ct);

    private async Task<List<AuditEntry>> RowsAsync() =>
        [.. (await _store.QueryAuditAsync(new AuditQuery(null, null, null, null, 1, 1000), Ct)).Items];
}
