using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Issue 19, findings 3, 4, 6, 7 and 8 against a real recorder process with a recorded sipp call: sessions end on
/// sign-out and account changes, API keys live and die with their owner, files are private, cross-site and form
/// requests are refused, HTTPS marks the cookie Secure, security headers and input limits.
/// </summary>
public sealed class HardeningTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACookieFromBeforeSignOutOrAnAccountChangeIsRefused()
    {
        await fixture.CreateUserAsync(new { name = "sess", role = "supervisor", password = HardeningFixture.Password, numbers = new[] { "198101" } });

        // Sign-out: the browser drops its cookie, but a copy kept from before must stop working too.
        var kept = await SignInRawAsync("sess");
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(kept, "/api/recordings"));
        using (var logout = await SendAsync(HttpMethod.Post, "/api/auth/logout", kept, null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(kept, "/api/recordings"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(kept, $"/api/recordings/{fixture.Recording.Id}/audio"));

        // Password change, role change, disable: each ends the sessions made before it (and only those).
        foreach (var change in new object[]
        {
            new { password = "password-456" },
            new { role = "user" },
            new { disabled = true },
        })
        {
            var password = change.ToString()!.Contains("password-456", StringComparison.Ordinal) ? HardeningFixture.Password : "password-456";
            var before = await SignInRawAsync("sess", password);
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(before, "/api/auth/me"));
            using var put = await fixture.Node.Http.PutAsJsonAsync("/api/users/sess", change, Ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(before, "/api/auth/me"));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(before, "/api/recordings"));
        }

        // A display-name change is no security change: the session made after the last change lives on.
        using (var enable = await fixture.Node.Http.PutAsJsonAsync("/api/users/sess", new { disabled = false }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        var after = await SignInRawAsync("sess", "password-456");
        using (var rename = await fixture.Node.Http.PutAsJsonAsync("/api/users/sess", new { displayName = "Session test" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(after, "/api/auth/me"));

        // Deleted and made again under the same name: the old cookie is not the new user's.
        using (var delete = await fixture.Node.Http.DeleteAsync("/api/users/sess", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await fixture.CreateUserAsync(new { name = "sess", role = "admin", password = "password-456" });
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(after, "/api/auth/me"));
    }

    [Fact]
    public async Task AnApiKeyLivesAndDiesWithItsOwnerAndNeverOutranksIt()
    {
        await fixture.CreateUserAsync(new { name = "owner", role = "supervisor", password = HardeningFixture.Password, numbers = new[] { "198101" } });
        var admin = await fixture.SignInAsync("admin");

        // A key above its owner's role is refused at creation.
        using (var above = await admin.PostAsJsonAsync("/api/keys", new { name = "too-high", role = "admin", owner = "owner" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, above.StatusCode);
            Assert.Equal("application/problem+json", above.Content.Headers.ContentType?.MediaType);
            Assert.Contains("above its owner", await above.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var key = await CreateKeyAsync(admin, new { name = "crm", role = "supervisor", owner = "owner" });
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(key, "/api/recordings"));
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(key, $"/api/recordings/{fixture.Recording.Id}"));

        // Owner demoted to user: the supervisor key acts as a user (legal hold is a supervisor's), not above.
        await PutUserAsync("owner", new { role = "user" });
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(key, "/api/recordings"));
        using (var hold = await KeyClient(key).PutAsJsonAsync($"/api/recordings/{fixture.Recording.Id}/preserve", new { preserved = false }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, hold.StatusCode);
        }

        // Owner made auditor: a recordings key has nothing left of it.
        await PutUserAsync("owner", new { role = "auditor" });
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(key, "/api/recordings"));
        await PutUserAsync("owner", new { role = "supervisor" });
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(key, "/api/recordings"));

        // Disabled owner: 401; enabled again: the key works again.
        await PutUserAsync("owner", new { disabled = true });
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(key, "/api/recordings"));
        await PutUserAsync("owner", new { disabled = false });
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(key, "/api/recordings"));

        // Deleted owner: 401, and a new user of the same name does not inherit the key.
        using (var delete = await admin.DeleteAsync("/api/users/owner", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(key, "/api/recordings"));
        await fixture.CreateUserAsync(new { name = "owner", role = "admin", password = HardeningFixture.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(key, "/api/recordings"));
        Assert.DoesNotContain((await GetJsonAsync(admin, "/api/keys")).EnumerateArray(), k => k.GetProperty("name").GetString() == "crm");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task TheDataDirectoryIsPrivateAndTheLogHoldsNoPassword()
    {
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(fixture.DataDirectory));
        var files = new List<string> { Path.Combine(fixture.DataDirectory, "cluster.db"), Path.Combine(fixture.DataDirectory, "admin-password") };
        files.AddRange(Directory.GetFiles(fixture.DataDirectory, "cluster.db-*"));
        var recordings = Directory.GetFiles(fixture.DataDirectory, "*.wav", SearchOption.AllDirectories);
        Assert.NotEmpty(recordings);
        files.AddRange(recordings);
        foreach (var file in files)
        {
            Assert.True(File.Exists(file), file);
            Assert.True(File.GetUnixFileMode(file) == PrivateFile, $"{file}: {File.GetUnixFileMode(file)}");
        }

        foreach (var directory in Directory.GetDirectories(fixture.DataDirectory, "*", SearchOption.AllDirectories))
        {
            Assert.True((File.GetUnixFileMode(directory) & OthersAndGroup) == 0, $"{directory}: {File.GetUnixFileMode(directory)}");
        }

        Assert.DoesNotContain(fixture.AdminPassword, fixture.Node.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(fixture.DataDirectory, "admin-password"), fixture.Node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrossSiteAndFormRequestsAreRefused()
    {
        var alice = await SignInRawAsync("alice");
        var notes = $"/api/recordings/{fixture.Recording.Id}/notes";
        var own = $"http://127.0.0.1:{fixture.Node.HttpPort}";

        // Same origin, JSON: accepted.
        using (var same = await SendAsync(HttpMethod.Post, notes, alice, Json(new { text = "same origin" }), ("Origin", own), ("Sec-Fetch-Site", "same-origin")))
        {
            Assert.Equal(HttpStatusCode.Created, same.StatusCode);
        }

        // A foreign Origin, a "null" Origin, or a browser's cross-site label: 403 problem details.
        foreach (var headers in new[] { new[] { ("Origin", "https://evil.example") }, [("Origin", "null")], [("Origin", "http://127.0.0.1:1")], [("Sec-Fetch-Site", "cross-site")] })
        {
            using var refused = await SendAsync(HttpMethod.Post, notes, alice, Json(new { text = "forged" }), headers);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using (var logout = await SendAsync(HttpMethod.Post, "/api/auth/logout", alice, null, ("Origin", "https://evil.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, logout.StatusCode);
        }

        // What an HTML form can send: 415, whatever the origin.
        foreach (var (type, body) in new[] { ("application/x-www-form-urlencoded", "text=forged"), ("text/plain", "{\"text\":\"forged\"}"), ("multipart/form-data; boundary=x", "--x--") })
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            using var refused = await SendAsync(HttpMethod.Post, notes, alice, content);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        }

        using (var formWithoutBody = new ByteArrayContent([]))
        {
            formWithoutBody.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            using var refused = await SendAsync(HttpMethod.Post, "/api/auth/logout", alice, formWithoutBody);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        }

        // Only the same-origin note was written.
        var annotations = await GetJsonAsync(fixture.Node.Http, $"/api/recordings/{fixture.Recording.Id}/notes");
        Assert.DoesNotContain(annotations.EnumerateArray(), n => n.GetProperty("text").GetString() == "forged");

        // An API key carries no cookie: a foreign Origin does not matter to it.
        using (var keyed = new HttpRequestMessage(HttpMethod.Post, notes) { Content = Json(new { text = "by key" }) })
        {
            keyed.Headers.Add("Origin", "https://automation.example");
            using var response = await fixture.Node.Http.SendAsync(keyed, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // A POST without a body and without a content type is fine (sign-out from the page).
        using (var bare = await SendAsync(HttpMethod.Post, "/api/auth/logout", alice, null, ("Origin", own)))
        {
            Assert.Equal(HttpStatusCode.NoContent, bare.StatusCode);
        }
    }

    [Fact]
    public async Task HttpsMarksTheCookieSecure()
    {
        using var https = fixture.Anonymous(https: true);
        using var login = await https.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = HardeningFixture.Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("recorder.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using (var recordings = await https.GetAsync("/api/recordings", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, recordings.StatusCode);
        }

        // Over HTTP the cookie cannot be Secure (the browser would never send it back).
        using var http = fixture.Anonymous();
        using var plain = await http.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = HardeningFixture.Password }, Ct);
        Assert.DoesNotContain("secure", Assert.Single(plain.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EveryResponseCarriesSecurityHeadersAndApiAnswersAreNotStored()
    {
        var admin = await fixture.SignInAsync("admin");
        foreach (var (path, api) in new[]
        {
            ("/", false), ("/app.js", false), ("/api/recordings", true), ($"/api/recordings/{fixture.Recording.Id}/audio", true),
            ("/api/recordings/no-such-recording", true), ("/no-such-page", false),
        })
        {
            using var response = await admin.GetAsync(path, Ct);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("base-uri 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            if (api)
            {
                Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
            }
        }

        // The page itself has no inline script, style or event handler for the policy to block.
        var html = await admin.GetStringAsync("/", Ct);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" onclick=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongInputIs400AndTrunkMetadataIsCut()
    {
        var admin = await fixture.SignInAsync("admin");
        using (var name = await admin.PutAsJsonAsync("/api/users/alice", new { displayName = new string('x', 101) }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, name.StatusCode);
            Assert.Contains("displayName", await name.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var note = await admin.PostAsJsonAsync($"/api/recordings/{fixture.Recording.Id}/notes", new { text = new string('x', 4001) }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, note.StatusCode);
        }

        using (var tags = await admin.PutAsJsonAsync($"/api/recordings/{fixture.Recording.Id}/tags", new { tags = new[] { new string('t', 41) } }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tags.StatusCode);
        }

        // At most 100 notes on one recording: filled on the fixture's second recording, so the other tests' notes on the
        // first never meet the limit whatever the order.
        var existing = (await GetJsonAsync(admin, $"/api/recordings/{fixture.NotesRecording.Id}/notes")).GetArrayLength();
        for (var i = existing; i < 100; i++)
        {
            using var added = await admin.PostAsJsonAsync($"/api/recordings/{fixture.NotesRecording.Id}/notes", new { text = $"note {i}" }, Ct);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using (var tooMany = await admin.PostAsJsonAsync($"/api/recordings/{fixture.NotesRecording.Id}/notes", new { text = "one too many" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
            Assert.Contains("at most 100 notes", await tooMany.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // The 300-character device name from the trunk is stored cut to 256, and the log says so.
        var recording = await GetJsonAsync(admin, $"/api/recordings/{fixture.Recording.Id}");
        Assert.Equal(HardeningFixture.NearDevice[..256], recording.GetProperty("nearEnd").GetProperty("device").GetString());
        Assert.Contains("stored cut to 256", fixture.Node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePageWorksInChromiumUnderTheContentSecurityPolicy()
    {
        // The fixture wrote a note with U+202E in it (HardeningFixture.BidiNote).

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--mute-audio"],
        });
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var console = new List<string>();
        page.Console += (_, message) => console.Add(message.Text);
        // Injected by the browser itself (DevTools), so the policy under test does not apply to the listener.
        await page.AddInitScriptAsync("""
            window.__violations = [];
            document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        var baseUrl = $"http://127.0.0.1:{fixture.Node.HttpPort}";
        var response = await page.GotoAsync(baseUrl);
        Assert.Contains("script-src 'self'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);

        // The listener sees what the policy blocks: an inline script added now does not run and is reported.
        await page.WaitForSelectorAsync("#login-form");
        await page.EvaluateAsync("() => document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.__inline = 1' }))");
        await page.WaitForFunctionAsync("() => window.__violations.length > 0");
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__inline ?? null"));
        await page.EvaluateAsync("() => { window.__violations.length = 0; }");
        console.Clear();

        // Sign in, see the dashboard's charts, list recordings, open one: all under the policy, nothing blocked.
        await page.FillAsync("#login-user", "admin");
        await page.FillAsync("#login-password", fixture.AdminPassword);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#whoami-name");
        await page.WaitForSelectorAsync("#panel-calls-hour[data-loaded=true] #chart-calls-hour");
        await page.ClickAsync("#nav a[href='#/recordings']");
        var row = page.Locator($"tr[data-id='{fixture.Recording.Id}']");
        await row.WaitForAsync();
        await row.ClickAsync();
        await page.WaitForSelectorAsync("#player");
        await page.WaitForSelectorAsync("#details");
        await page.WaitForSelectorAsync("#notes li");
        await page.EvalOnSelectorAsync("#player", "a => a.play()");
        await page.WaitForFunctionAsync("() => document.querySelector('#player').currentTime > 0.2", null, new() { Timeout = 15_000 });

        var notes = await page.InnerTextAsync("#notes");
        Assert.Contains("call back <U+202E>1002", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", notes, StringComparison.Ordinal);
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__violations"));
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAndGroup = (UnixFileMode)0b000_111_111;

    private static JsonContent Json(object body) => JsonContent.Create(body);

    /// <summary>Signs in without a cookie jar and returns the cookie as a browser would send it back.</summary>
    private async Task<string> SignInRawAsync(string user, string password = HardeningFixture.Password)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Node.HttpPort}") };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {user}: {(int)response.StatusCode}");
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string cookie, HttpContent? content, params (string Name, string Value)[] headers)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Node.HttpPort}") };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Cookie", cookie);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request, Ct);
    }

    private async Task<HttpStatusCode> GetStatusAsync(string cookie, string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, cookie, null);
        return response.StatusCode;
    }

    private HttpClient KeyClient(string key)
    {
        var client = fixture.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private async Task<HttpStatusCode> KeyStatusAsync(string key, string path)
    {
        using var client = KeyClient(key);
        using var response = await client.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private async Task PutUserAsync(string name, object change)
    {
        using var response = await fixture.Node.Http.PutAsJsonAsync($"/api/users/{name}", change, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT user {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, object body)
    {
        using var response = await admin.PostAsJsonAsync("/api/keys", body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json.GetProperty("key").GetString()!;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
