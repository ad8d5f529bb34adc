using Microsoft.Playwright;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>A page in Debian's Chromium (/usr/bin/chromium, headless), driven by Microsoft.Playwright.</summary>
internal sealed class ChromiumPage : IBrowserPage
{
    /// <summary>As in <see cref="BrowserTests"/>: no sandbox (root in CI), and media may start without a user gesture.</summary>
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IPage _page;

    private ChromiumPage(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        _page = page;
    }

    public string Browser => "Chromium " + _browser.Version;

    public static async Task<ChromiumPage> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = Args, Headless = true });
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(20_000);
            return new ChromiumPage(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async Task GotoAsync(string url) => await _page.GotoAsync(url);

    public Task FillAsync(string selector, string value) => _page.FillAsync(selector, value);

    public Task ClickAsync(string selector) => _page.ClickAsync(selector);

    public async Task WaitForSelectorAsync(string selector) => await _page.WaitForSelectorAsync(selector);

    public Task<string> EvaluateAsync(string function, string argument) => _page.EvaluateAsync<string>(function, argument);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
