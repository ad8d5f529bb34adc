using System.Globalization;
using Microsoft.Playwright;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// The page with a call recorded in two parts (a far-end hold by re-INVITE in the first, then an agent hold: new
/// INVITEs with the same refci), in Debian's Chromium: the search shows the call once; its page lists both parts with
/// the gap, lists the hold, and plays on into the second part when the first ends.
/// </summary>
public sealed class HoldBrowserTests(HoldBrowserTests.HeldCallFixture fixture) : IClassFixture<HoldBrowserTests.HeldCallFixture>
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
    ];

    [Fact]
    public async Task TheSearchShowsTheCallOnceAndItsPagePlaysThePartsInOrder()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ChromiumArgs, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync($"http://127.0.0.1:{fixture.Node.HttpPort}");
        await page.WaitForSelectorAsync("#login-form");
        await page.FillAsync("#login-user", "admin");
        await page.FillAsync("#login-password", HeldCallFixture.AdminPassword);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#dashboard"); // the first page after sign-in
        await page.ClickAsync("#nav a[href='#/recordings']");
        await page.WaitForSelectorAsync("#recordings-table");

        // One row for the call (grouped by default), naming its two parts; ungrouped, two rows.
        var row = page.Locator($"#recordings-table tbody tr[data-group='{fixture.FirstPart}']");
        await row.WaitForAsync();
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal("2", await row.GetAttributeAsync("data-parts"));
        Assert.Equal(fixture.FirstPart, await row.GetAttributeAsync("data-id"));
        Assert.Contains("2 parts", await row.InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("#group-by-call");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll(\"#recordings-table tbody tr[data-group='{fixture.FirstPart}']\").length === 2");
        await page.ClickAsync("#group-by-call");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll(\"#recordings-table tbody tr[data-group='{fixture.FirstPart}']\").length === 1");

        await page.Locator($"#recordings-table tbody tr[data-group='{fixture.FirstPart}']").ClickAsync();
        await page.WaitForSelectorAsync("#call-parts");
        Assert.Equal([fixture.FirstPart, fixture.SecondPart],
            await page.Locator("#call-parts li[data-id]").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)"));
        Assert.Equal(1, await page.Locator("#call-parts li.gap").CountAsync());
        Assert.Equal(["farEnd", "nearEnd"], (await page.Locator("#pauses li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.leg)")).Order());

        // Played to its end, the first part hands over to the second.
        await page.WaitForFunctionAsync("() => document.querySelector('#player').duration > 1");
        await page.EvalOnSelectorAsync("#player", "a => { a.currentTime = a.duration - 0.3; return a.play(); }");
        await page.WaitForFunctionAsync($"() => location.hash === '#/recording/{fixture.SecondPart}'");
        await page.WaitForFunctionAsync("() => document.querySelector('#call-parts li.current')?.dataset.id === '" + fixture.SecondPart + "'");
    }

    /// <summary>One node, one call in two parts: cucm_leg_hold.xml, then cucm_leg.xml with the same refci.</summary>
    public sealed class HeldCallFixture : IAsyncLifetime
    {
        public const string AdminPassword = "admin-secret-1";

        internal RecorderNode Node { get; private set; } = null!;
        internal string FirstPart { get; private set; } = null!;
        internal string SecondPart { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Node = await RecorderNode.StartAsync(new Dictionary<string, string>
            {
                ["Recorder__License__Channels"] = "8",
                ["Recorder__Auth__InitialAdminPassword"] = AdminPassword,
            });
            var refci = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
            await CallPlacer.PlaceAsync(Node, [refci], scenario: "cucm_leg_hold.xml", toneSeconds: 1, durationMs: 1000);
            await CallPlacer.PlaceAsync(Node, [refci], toneSeconds: 1, durationMs: 1200);
            var list = await Node.WaitForRecordingsAsync(2, timeout: TimeSpan.FromSeconds(40));
            var parts = list.Items.Where(r => r.Refci == refci).OrderBy(r => r.StartedAt).ToList();
            Assert.Equal(2, parts.Count);
            (FirstPart, SecondPart) = (parts[0].Id, parts[1].Id);
        }

        public async ValueTask DisposeAsync() => await Node.DisposeAsync();
    }
}
