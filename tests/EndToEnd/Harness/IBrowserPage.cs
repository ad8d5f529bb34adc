namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// The few page operations the playback tests need, behind one interface so that the same scenario runs unchanged in
/// Chromium (Microsoft.Playwright) and Firefox (WebDriver BiDi, <see cref="FirefoxPage"/>): Playwright cannot drive a stock
/// Firefox, and a difference in the scenario would be a difference in what the two browsers are shown to do.
/// </summary>
internal interface IBrowserPage : IAsyncDisposable
{
    /// <summary>The browser's product and version as it reports them, for failure messages and the test log.</summary>
    string Browser { get; }

    Task GotoAsync(string url);

    Task FillAsync(string selector, string value);

    Task ClickAsync(string selector);

    Task WaitForSelectorAsync(string selector);

    /// <summary>
    /// Calls the JavaScript function <paramref name="function"/> (<c>arg =&gt; ...</c>, which may return a promise) in the
    /// page with one string argument and returns its string result: a string in and a string out (JSON where there is
    /// more) is what the two libraries pass the same way.
    /// </summary>
    Task<string> EvaluateAsync(string function, string argument);
}
