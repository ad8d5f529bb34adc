using System.Security.Cryptography;
using Microsoft.Playwright;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// The page in Debian's Chromium (headless, driven by Microsoft.Playwright) against a real recorder with two recorded
/// sipp calls: sign in, the dashboard's charts of those calls, find a recording, play it (and by keyboard), download
/// it, a search shared by its link, the audit filter, active calls refreshing live, a user who may not see it, and
/// screenshots of the main pages at 1280 and 390 px under <c>artifacts/screenshots/</c>.
/// </summary>
public sealed class BrowserTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
    ];

    private string BaseUrl => $"http://127.0.0.1:{fixture.Node.HttpPort}";

    [Fact]
    public async Task SignInFindPlayAndDownloadARecording()
    {
        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.ClickAsync("#nav a[href='#/recordings']");

        // Find it by number: the filter narrows the table to the first call.
        await page.FillAsync("#filters input[name=number]", "198101");
        await page.ClickAsync("#filters button[type=submit]");
        var row = page.Locator($"tr[data-id='{fixture.First.Id}']");
        await row.WaitForAsync();
        Assert.Equal(1, await page.Locator("#recordings-table tbody tr[data-id]").CountAsync());
        await row.ClickAsync();

        await page.WaitForSelectorAsync("#player");
        await page.WaitForSelectorAsync("#details");
        Assert.Contains(fixture.First.Sha256, await page.InnerTextAsync("#details"), StringComparison.Ordinal);
        await page.EvalOnSelectorAsync("#player", "a => a.play()");
        await page.WaitForFunctionAsync("() => document.querySelector('#player').currentTime > 0.5", null, new() { Timeout = 15_000 });
        await page.SelectOptionAsync("#speed", "1.5");
        Assert.Equal(1.5, await page.EvalOnSelectorAsync<double>("#player", "a => a.playbackRate"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        // Stored encrypted (the default): the download is the plaintext the manifest's plainSha256 names.
        var manifest = (await fixture.Node.GetJsonAsync<RecordingView>($"/api/recordings/{fixture.First.Id}")).Manifest!.Value;
        Assert.Equal(manifest.GetProperty("encryption").GetProperty("plainSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal("RIFF"u8.ToArray(), bytes[..4]);
        Assert.Equal($"{fixture.First.Id}.wav", download.SuggestedFilename);
    }

    [Fact]
    public async Task AUserWhoseNumbersDoNotMatchSeesNothing()
    {
        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "bob", WebFixture.Password);
        await page.ClickAsync("#nav a[href='#/recordings']");
        await page.WaitForSelectorAsync("#no-recordings");
        Assert.Equal(0, await page.Locator("#recordings-table tbody tr[data-id]").CountAsync());

        await page.GotoAsync($"{BaseUrl}/#/recording/{fixture.First.Id}");
        await page.WaitForSelectorAsync("#view-error");
        Assert.Contains("No recording with id", await page.InnerTextAsync("#view-error"), StringComparison.Ordinal);

        // The same cookie on the API: 404, as if it did not exist.
        var api = await page.Context.APIRequest.GetAsync($"{BaseUrl}/api/recordings/{fixture.First.Id}");
        Assert.Equal(404, api.Status);
        var audio = await page.Context.APIRequest.GetAsync($"{BaseUrl}/api/recordings/{fixture.First.Id}/audio");
        Assert.Equal(404, audio.Status);
    }

    [Fact]
    public async Task AnAdminAddsAWebhookSeesItsSecretOnceAndItsEmptyDeliveryLog()
    {
        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.GotoAsync($"{BaseUrl}/#/webhooks");
        await page.WaitForSelectorAsync("#webhook-form");

        var url = $"http://127.0.0.1:9/browser-{Guid.NewGuid():N}";
        await page.FillAsync("#webhook-form input[name=url]", url);
        await page.UncheckAsync("#webhook-form input[value=alarm]");
        await page.ClickAsync("#webhook-form button[type=submit]");
        await page.WaitForSelectorAsync("#webhook-secret:not([hidden])");
        var secret = await page.InnerTextAsync("#webhook-secret code");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var row = page.Locator("#webhooks-table tbody tr", new() { HasText = url });
        await row.WaitForAsync();
        Assert.Contains("recording.completed", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("alarm", await row.InnerTextAsync(), StringComparison.Ordinal);
        // The page binds its handlers in script: no inline handler a strict CSP would block.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"));

        // The list never shows the secret again; the subscription's page shows its (empty) delivery log.
        await row.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("#webhook-deliveries h2");
        Assert.Contains("No deliveries yet", await page.InnerTextAsync("#webhook-deliveries"), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        var id = (await row.Locator("a").GetAttributeAsync("href"))!.Split('/')[^1];
        var api = await page.Context.APIRequest.DeleteAsync($"{BaseUrl}/api/webhooks/{id}");
        Assert.Equal(204, api.Status);
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task ScreenshotsOfTheMainPages(int width, int height)
    {
        await using var session = await OpenAsync(width, height);
        var page = session.Page;
        var directory = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        async Task ShotAsync(string name) =>
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"{name}-{width}.png"), FullPage = true });

        await page.GotoAsync(BaseUrl);
        await page.WaitForSelectorAsync("#login-form");
        await ShotAsync("login");
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.WaitForSelectorAsync("#dashboard");
        await page.GotoAsync($"{BaseUrl}/#/recordings");
        await page.Locator($"tr[data-id='{fixture.First.Id}']").WaitForAsync();
        await ShotAsync("recordings");

        await page.GotoAsync($"{BaseUrl}/#/recording/{fixture.First.Id}");
        await page.WaitForSelectorAsync("#details");
        await page.WaitForFunctionAsync("() => document.querySelector('#waveform') !== null");
        await page.WaitForTimeoutAsync(500); // the peaks arrive after the page
        await ShotAsync("recording");

        foreach (var (hash, selector) in new[] { ("calls", "#calls-table"), ("cluster", "#nodes"), ("maintenance", "#maintenance-form"), ("users", "#users-table"), ("audit", "#audit-table") })
        {
            await page.GotoAsync($"{BaseUrl}/#/{hash}");
            await page.WaitForSelectorAsync(selector);
            await ShotAsync(hash);
        }

        // Nothing is wider than the viewport (no sideways scrolling of the whole page).
        await page.GotoAsync($"{BaseUrl}/#/recordings");
        await page.WaitForSelectorAsync("#recordings-table");
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"the recordings page is {scrollWidth} px wide in a {width} px viewport");
    }

    /// <summary>
    /// The dashboard is the first page after sign-in and charts the fixture's real sipp calls: the bars of the last
    /// 24 hours and 30 days add up to the calls the search finds, the channel chart peaks at one call or more under
    /// the licence line, the node's storage row and the problems panel are there; screenshots at both widths.
    /// </summary>
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task TheDashboardChartsTheRecordedCalls(int width, int height)
    {
        await using var session = await OpenAsync(width, height);
        var page = session.Page;
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.WaitForFunctionAsync("() => location.hash === '#/dashboard'");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#dashboard section.panel')].every(p => p.dataset.loaded === 'true')");

        var calls = (await fixture.Node.GetJsonAsync<RecordingList>("/api/recordings?groupBy=call&pageSize=100")).Total;
        Assert.True(calls >= 2, $"the fixture recorded {calls} calls");
        const string Sum = "chart => [...chart.querySelectorAll('rect.bar')].reduce((n, r) => n + Number(r.dataset.value), 0)";
        Assert.Equal(calls, await page.EvalOnSelectorAsync<long>("#chart-calls-hour", Sum));
        Assert.Equal(calls, await page.EvalOnSelectorAsync<long>("#chart-calls-day", Sum));
        Assert.Equal(24, await page.Locator("#chart-calls-hour rect.bar").CountAsync());
        Assert.Equal(30, await page.Locator("#chart-calls-day rect.bar").CountAsync());

        const string Peak = "chart => Math.max(...[...chart.querySelectorAll('rect.bar')].map(r => Number(r.dataset.value)))";
        Assert.InRange(await page.EvalOnSelectorAsync<long>("#chart-channels", Peak), 1, 2);
        // The licence line is what the node may record at once (the licence service's channels, not the configured wish).
        var licensed = (await fixture.Node.GetJsonAsync<System.Text.Json.JsonElement>("/api/license")).GetProperty("channels").GetInt32();
        Assert.Equal(licensed.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.GetAttributeAsync("#chart-channels line.limit", "data-value"));
        Assert.Contains($"of {licensed} licensed", await page.InnerTextAsync("#channels-summary"), StringComparison.Ordinal);
        // A bar is drawn as tall as its value: the tallest channel bar is above the chart's baseline.
        Assert.True(await page.EvalOnSelectorAsync<double>("#chart-channels", "chart => Math.max(...[...chart.querySelectorAll('rect.bar')].map(r => r.getBBox().height))") > 0);

        Assert.Equal(1, await page.Locator($"#storage-table tr[data-node='{fixture.Node.Name}']").CountAsync());
        Assert.Equal(3, await page.Locator("#panel-problems .problem-counts li").CountAsync());

        var directory = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"dashboard-{width}.png"), FullPage = true });
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"the dashboard is {scrollWidth} px wide in a {width} px viewport");
    }

    /// <summary>A search's filters, sort and page are its link: opened in a new page (and reloaded) it shows the same rows.</summary>
    [Fact]
    public async Task ASearchLinkOpenedInANewPageShowsTheSameResults()
    {
        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.GotoAsync($"{BaseUrl}/#/recordings");
        await page.FillAsync("#filters input[name=number]", "198202");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForFunctionAsync("() => location.hash.includes('number=198202')");
        await page.Locator($"tr[data-id='{fixture.Second.Id}']").WaitForAsync();
        await page.ClickAsync("#recordings-table th[data-sort=duration]");
        await page.WaitForFunctionAsync("() => location.hash.includes('sort=duration')");
        await page.WaitForSelectorAsync("#recordings-table th.sorted-desc[data-sort=duration]");
        var link = page.Url;
        var rows = await RowIdsAsync(page);
        Assert.Equal([fixture.Second.Id], rows);

        // Another page of the same browser (signed in): the link alone gives the same search.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync(link);
        await other.WaitForSelectorAsync("#recordings-table th.sorted-desc[data-sort=duration]");
        await other.Locator($"tr[data-id='{fixture.Second.Id}']").WaitForAsync();
        Assert.Equal(rows, await RowIdsAsync(other));
        Assert.Equal("198202", await other.InputValueAsync("#filters input[name=number]"));

        // A reload keeps it; clearing the filter goes back to every call.
        await other.ReloadAsync();
        await other.Locator($"tr[data-id='{fixture.Second.Id}']").WaitForAsync();
        Assert.Equal(rows, await RowIdsAsync(other));
        await other.ClickAsync("#filters button[type=reset]");
        await other.WaitForFunctionAsync("() => !location.hash.includes('number=')");
        await other.Locator($"tr[data-id='{fixture.First.Id}']").WaitForAsync();
    }

    /// <summary>The audit filter stays on the audit view (it used to open the recordings) and shows only what it names.</summary>
    [Fact]
    public async Task TheAuditFilterShowsOnlyTheEntriesItNames()
    {
        using (await fixture.SignInAsync("admin")) // an entry of the admin's, whatever ran before
        {
        }

        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "aud", WebFixture.Password);
        await page.GotoAsync($"{BaseUrl}/#/audit");
        await page.WaitForSelectorAsync("#audit-table");
        await page.FillAsync("#audit-form input[name=user]", "admin");
        await page.ClickAsync("#audit-form button[type=submit]");
        await page.WaitForFunctionAsync("() => location.hash === '#/audit?user=admin'");
        await page.WaitForSelectorAsync("#audit-clear");
        var users = await page.Locator("#audit-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.user)");
        Assert.NotEmpty(users);
        Assert.All(users, u => Assert.Equal("admin", u));
        Assert.Equal(0, await page.Locator("#recordings-table").CountAsync());

        // An action in the table narrows the filter further; the CSV link exports the same filter.
        var action = await page.Locator("#audit-table tbody tr a[data-action]").First.GetAttributeAsync("data-action");
        await page.Locator("#audit-table tbody tr a[data-action]").First.ClickAsync();
        await page.WaitForFunctionAsync($"() => location.hash.includes('action={action}')");
        await page.WaitForSelectorAsync("#audit-clear");
        var rows = await page.Locator("#audit-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.user + ' ' + r.dataset.action)");
        Assert.All(rows, r => Assert.Equal($"admin {action}", r));
        Assert.Contains("user=admin", await page.GetAttributeAsync("#audit-csv", "href"), StringComparison.Ordinal);
    }

    /// <summary>The player's keys: space plays and pauses, the arrows seek 5 s back and forth; typing in a field is left alone.</summary>
    [Fact]
    public async Task ThePlayersKeyboardShortcutsPlayPauseAndSeek()
    {
        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.GotoAsync($"{BaseUrl}/#/recording/{fixture.First.Id}");
        await page.WaitForFunctionAsync("() => document.querySelector('#player')?.duration > 1");
        await page.ClickAsync("#recording-title"); // focus on the page, not on a control

        await page.Keyboard.PressAsync("Space");
        await page.WaitForFunctionAsync("() => !document.querySelector('#player').paused && document.querySelector('#player').currentTime > 0.2");
        await page.Keyboard.PressAsync("Space");
        await page.WaitForFunctionAsync("() => document.querySelector('#player').paused");

        var duration = await page.EvalOnSelectorAsync<double>("#player", "a => a.duration");
        await page.EvalOnSelectorAsync("#player", "a => { a.currentTime = 0; }");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal(Math.Min(5, duration), await page.EvalOnSelectorAsync<double>("#player", "a => a.currentTime"), 1);
        await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal(0, await page.EvalOnSelectorAsync<double>("#player", "a => a.currentTime"), 1);

        // In the note field a space is a space, not a play.
        await page.FocusAsync("#note-input");
        await page.Keyboard.PressAsync("Space");
        Assert.True(await page.EvalOnSelectorAsync<bool>("#player", "a => a.paused"));
        Assert.Equal(" ", await page.InputValueAsync("#note-input"));
    }

    /// <summary>
    /// The active-calls view opened before a call starts shows it without a reload: its row comes, its duration and
    /// packet figures grow, it names the node; and it leaves when the call ends.
    /// </summary>
    [Fact]
    public async Task TheActiveCallsViewUpdatesWithoutAReload()
    {
        await using var session = await OpenAsync(1280);
        var page = session.Page;
        await SignInAsync(page, "admin", WebFixture.AdminPassword);
        await page.GotoAsync($"{BaseUrl}/#/calls");
        await page.WaitForSelectorAsync("#no-calls");
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        // Another number than the fixture's calls, so the searches of the other tests find what they expect.
        var refci = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var call = CallPlacer.PlaceAsync(fixture.Node, [refci], toneSeconds: 8, durationMs: 9000,
            csvLine: (role, r) => SippRun.Leg(role, r, nearNumber: "198303"));
        var row = page.Locator("#calls-table tbody tr[data-id]");
        await row.WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal(fixture.Node.Name, await row.GetAttributeAsync("data-node"));
        Assert.Equal(fixture.Node.Name, await row.Locator("td.node").InnerTextAsync());
        var firstDuration = await row.Locator("td.duration").InnerTextAsync();
        await page.WaitForFunctionAsync(
            "first => { const d = document.querySelector('#calls-table tbody tr[data-id] td.duration'); return d && d.textContent !== first; }", firstDuration);
        await page.WaitForFunctionAsync(
            "() => /^[1-9][0-9]* pkts/.test(document.querySelector('#calls-table tbody tr[data-id] td.packets.near')?.textContent || '')");

        await call;
        await page.WaitForSelectorAsync("#no-calls", new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }

    private static Task<string[]> RowIdsAsync(IPage page) =>
        page.Locator("#recordings-table tbody tr[data-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");

    private static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.WaitForSelectorAsync("#login-form");
        await page.FillAsync("#login-user", user);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#whoami-name");
        await page.WaitForFunctionAsync("() => !document.querySelector('#view').hidden");
    }

    private async Task<BrowserSession> OpenAsync(int width, int height = 900)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ChromiumArgs, Headless = true });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(BaseUrl);
        return new BrowserSession(playwright, browser, page);
    }

    private sealed class BrowserSession(IPlaywright playwright, IBrowser browser, IPage page) : IAsyncDisposable
    {
        public IPage Page { get; } = page;

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
