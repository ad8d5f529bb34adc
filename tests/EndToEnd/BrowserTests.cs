using System.Security.Cryptography;
using Microsoft.Playwright;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// The page in Debian's Chromium (headless, driven by Microsoft.Playwright) against a real recorder with two recorded
/// sipp calls: sign in, find a recording, play it, download it, a user who may not see it, and screenshots of the
/// main pages at 1280 and 390 px under <c>artifacts/screenshots/</c>.
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
