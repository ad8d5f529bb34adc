using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// One recorder recording in Ogg Opus with the first admin's password set, one recorded sipp call on it (near-end tone
/// left, far-end tone right), the recording's audio as served, for the browser tests to compare with, and one signed-in
/// page per browser, launched on first use and shared by the tests: a browser start (3 to 9 s on two busy cores) is
/// the larger part of each test, and the tests only read.
/// </summary>
public sealed class OpusPlaybackFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-secret-1";

    private readonly Dictionary<string, IBrowserPage> _pages = [];

    internal RecorderNode Node { get; private set; } = null!;
    internal RecordingView Recording { get; private set; } = null!;

    /// <summary>The Ogg file's bytes as the API serves them (read with the API key, not through a browser).</summary>
    internal byte[] Audio { get; private set; } = [];

    internal string BaseUrl => $"http://127.0.0.1:{Node.HttpPort}";

    public async ValueTask InitializeAsync()
    {
        Node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Recording__Format"] = "opus",
            ["Recorder__Auth__InitialAdminPassword"] = AdminPassword,
        });
        var refci = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        await CallPlacer.PlaceAsync(Node, [refci]);
        var listed = (await Node.WaitForRecordingsAsync(1)).Items.Single();
        Recording = await Node.GetJsonAsync<RecordingView>($"/api/recordings/{listed.Id}");
        Assert.Equal("opus", Recording.Format);

        Audio = await Node.Http.GetByteArrayAsync($"/api/recordings/{Recording.Id}/audio");
        Assert.Equal(Recording.ServedSha256(), Convert.ToHexStringLower(SHA256.HashData(Audio)));
    }

    /// <summary>
    /// The page of <paramref name="browser"/> (<c>chromium</c> or <c>firefox</c>), signed in as the admin through the
    /// form on first use: the session cookie is what the player and the page's <c>fetch</c> send.
    /// </summary>
    internal async Task<IBrowserPage> SignedInPageAsync(string browser)
    {
        if (_pages.TryGetValue(browser, out var open))
        {
            return open;
        }

        var launch = Stopwatch.StartNew();
        IBrowserPage page = browser switch
        {
            "chromium" => await ChromiumPage.LaunchAsync(),
            "firefox" => await FirefoxPage.LaunchAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(browser), browser, "chromium or firefox"),
        };
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{page.Browser} launched in {launch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        try
        {
            await page.GotoAsync(BaseUrl);
            await page.WaitForSelectorAsync("#login-form");
            await page.FillAsync("#login-user", "admin");
            await page.FillAsync("#login-password", AdminPassword);
            await page.ClickAsync("#login-form button[type=submit]");
            await page.WaitForSelectorAsync("#whoami-name");
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }

        _pages[browser] = page;
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var page in _pages.Values)
        {
            await page.DisposeAsync();
        }

        await Node.DisposeAsync();
    }
}
